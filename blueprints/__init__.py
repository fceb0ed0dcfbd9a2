"""Pathways web parts: one blueprint per part, registered by create_app()."""


def register_blueprints(app) -> None:
    from .admin import bp as admin
    from .auth import bp as auth
    from .dashboard import bp as dashboard
    from .security import bp as security

    for bp in (auth, admin, dashboard, security):
        app.register_blueprint(bp)
