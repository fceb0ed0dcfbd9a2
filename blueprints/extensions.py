"""Flask extensions, made here and bound to the app in create_app()."""
from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()


def client_address() -> str:
    """The caller's address (ProxyFix has already applied X-Forwarded-For when configured)."""
    return request.remote_addr or "unknown"


# Storage comes from RATELIMIT_STORAGE_URI: memory:// by default, redis://... with
# several app servers so every worker counts the same attempts.
limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=False)
