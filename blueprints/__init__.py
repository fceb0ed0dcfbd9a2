"""Pathways web parts: one blueprint per part, registered by create_app()."""


def register_blueprints(app) -> None:
    from .admin import bp as admin
    from .auth import bp as auth
    from .cases import bp as cases
    from .dashboard import bp as dashboard
    from .directory import bp as directory
    from .letters import bp as letters
    from .library import bp as library
    from .pathways import bp as pathways
    from .security import bp as security

    for bp in (auth, admin, dashboard, cases, directory, letters, library, pathways, security):
        app.register_blueprint(bp)
