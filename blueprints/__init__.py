"""Pathways web parts: one blueprint per part, registered by create_app()."""


def register_blueprints(app) -> None:
    from .admin import bp as admin
    from .auth import bp as auth
    from .cases import bp as cases
    from .dashboard import bp as dashboard
    from .letters import bp as letters
    from .library import bp as library
    from .security import bp as security

    for bp in (auth, admin, dashboard, cases, letters, library, security):
        app.register_blueprint(bp)
