"""Pathways: the application factory, configuration and command-line commands."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from models.base import db, init_db

# Only ever used when SECRET_KEY is unset outside production (the demo and development).
DEV_SECRET = "pathways-development-secret-do-not-use-in-production"


def load_config(app: Flask, overrides: dict | None) -> None:
    """Configuration from the environment (see the README's table), then `overrides`."""
    env = os.environ
    app.config.from_mapping(
        PATHWAYS_ENV=env.get("PATHWAYS_ENV", "development"),
        SECRET_KEY=env.get("SECRET_KEY", DEV_SECRET),
        DATABASE_URL=env.get("DATABASE_URL")
        or "sqlite:///" + os.path.join(app.instance_path, "pathways.db"),
        RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI", "memory://"),
        SESSION_IDLE_MINUTES=int(env.get("SESSION_IDLE_MINUTES", "30")),
        SESSION_ABSOLUTE_HOURS=int(env.get("SESSION_ABSOLUTE_HOURS", "12")),
        # Closed referrals older than this come up for a manager's destruction review.
        RETENTION_YEARS=int(env.get("RETENTION_YEARS", "6")),
        SESSION_COOKIE_NAME="pathways_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env.get("SESSION_COOKIE_SECURE", "") == "1",
        # A CSRF token lasts as long as the session can (the absolute timeout).
        WTF_CSRF_TIME_LIMIT=int(env.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600,
        MAX_CONTENT_LENGTH=int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        LIBRARY_MAX_UPLOAD_MB=int(env.get("LIBRARY_MAX_UPLOAD_MB", "15")),
        PROXY_COUNT=int(env.get("PROXY_COUNT", "0")),
        # PostgreSQL plans the pages' queries once per connection (models/prepared.py);
        # off for a pooler that shares server sessions (PgBouncer in transaction mode).
        DATABASE_PREPARE=env.get("DATABASE_PREPARE", "on") != "off",
        # Argon2id cost; the tests lower it so that hashing does not dominate the suite.
        ARGON2_TIME_COST=3,
        ARGON2_MEMORY_COST=65536,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        TIMEZONE="Europe/London",
    )
    if overrides:
        app.config.update(overrides)
    if app.config["PATHWAYS_ENV"] == "production" and (
            app.config["SECRET_KEY"] == DEV_SECRET or len(app.config["SECRET_KEY"]) < 32):
        raise RuntimeError("Refusing to start in production without a SECRET_KEY of at least "
                           "32 random characters (set the SECRET_KEY environment variable).")


def create_app(config: dict | None = None) -> Flask:
    """Build the Pathways app. `config` overrides settings (the tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    init_db(app.config["DATABASE_URL"])
    from models.prepared import SETTINGS as QUERY_SETTINGS
    QUERY_SETTINGS["server_prepare"] = app.config["DATABASE_PREPARE"]
    _register_extensions(app)
    _register_request_hooks(app)
    _register_templates(app)

    from blueprints import register_blueprints
    from blueprints.record_ids import RecordIdConverter
    app.url_map.converters["int"] = RecordIdConverter
    register_blueprints(app)
    _register_commands(app)
    return app


def _register_extensions(app: Flask) -> None:
    from blueprints.extensions import csrf, limiter, login_manager
    from blueprints.sessions import SessionInterface, csrf_refused, load_user, unauthorized

    app.session_interface = SessionInterface()
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"
    app.register_error_handler(CSRFError, csrf_refused)


def _register_request_hooks(app: Flask) -> None:
    from blueprints.access import enforce_declared_access
    from blueprints.errors import register_error_handlers
    from blueprints.headers import add_security_headers
    from blueprints.input_guard import substitute_nul_characters
    from blueprints.sessions import check_session_age

    # A request opens its connection with its first query (peewee's autoconnect), so static
    # files never touch the database; it is closed when the request ends.
    @app.teardown_request
    def close_connection(exc):
        if not db.is_closed():
            db.close()

    app.before_request(substitute_nul_characters)
    app.before_request(check_session_age)
    app.before_request(enforce_declared_access)
    app.after_request(add_security_headers)
    register_error_handlers(app)


def _register_templates(app: Flask) -> None:
    from blueprints.access import my_teams
    from blueprints.headers import csp_nonce
    from blueprints.formats import register_filters
    from blueprints.navigation import navigation_for
    from blueprints.record_urls import record_url
    from blueprints.static_files import init_static_files

    init_static_files(app)
    app.jinja_env.globals.update(csp_nonce=csp_nonce, navigation_for=navigation_for,
                                 my_teams=my_teams, record_url=record_url)
    if app.config.get("STRICT_TEMPLATES"):
        # The tests render every template with StrictUndefined: a missing variable fails.
        from jinja2 import StrictUndefined
        app.jinja_env.undefined = StrictUndefined
    register_filters(app)


def _register_commands(app: Flask) -> None:
    from blueprints.commands import register_commands
    register_commands(app)
