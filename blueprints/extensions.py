"""Flask extensions, made here and bound to the app in create_app()."""
from flask import Flask, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

csrf = CSRFProtect()
login_manager = LoginManager()


def client_address() -> str:
    """The caller's address (ProxyFix has already applied X-Forwarded-For when configured)."""
    return request.remote_addr or "unknown"


class AttemptCounter:
    """Counts of failed attempts (sign-ins, share-link guesses) for the throttles that ask
    for them, in the storage RATELIMIT_STORAGE_URI names: memory:// by default, redis://...
    with several app servers so every worker counts the same attempts.

    Built on `limits`, the library flask-limiter counts with. Nothing runs on a request
    that does not ask: no page has a blanket rate limit, and flask-limiter's per-request
    check cost a seventh of a small request for no limit at all.
    """

    def __init__(self):
        self.limiter: FixedWindowRateLimiter | None = None

    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.limiter = FixedWindowRateLimiter(storage)
        app.extensions["attempt_counter"] = self

    def reset(self) -> None:
        """Forget every count (tests; an operator after a mass lock-out)."""
        self.limiter.storage.reset()


limiter = AttemptCounter()
