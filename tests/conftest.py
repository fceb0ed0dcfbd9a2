"""Shared fixtures: an app on a fresh database per test, clients signed in per role, and
users in two teams (A and B) so that every test can check team separation."""
from __future__ import annotations

import hashlib
import os
import time

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from blueprints.extensions import limiter
from models.base import db
from tests.database import BACKEND, TestDatabase
from tests.factories import make_team, make_user

ROLES = ("practitioner", "coordinator", "trainer", "manager", "admin")


def pytest_configure(config):
    # Prepared queries build each row both ways, fast and peewee's, and check they agree.
    # On PostgreSQL every prepared query a test runs must be prepared on the server.
    from tests.row_check import check_every_prepared_row, refusal_is_an_error
    check_every_prepared_row()
    refusal_is_an_error()


def pytest_report_header(config):
    if BACKEND == "postgres":
        return "Pathways tests on PostgreSQL (TEST_DATABASE_URL)"
    return "Pathways tests on SQLite"


class PathwaysClient(FlaskClient):
    """The Flask test client, plus the two things most tests need: a CSRF token for
    forms, and htmx requests."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            if "csrf_token" not in sess:
                sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = sess["csrf_token"]
        return URLSafeTimedSerializer(self.application.secret_key,
                                      salt="wtf-csrf-token").dumps(raw)

    def post_form(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        """POST a form as a browser would, with this session's CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.post(url, data=data, headers=headers, **kwargs)

    def hx_get(self, url: str, **kwargs):
        """GET as htmx would (asks for a fragment)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        headers["HX-Request"] = "true"
        return self.get(url, headers=headers, **kwargs)

    def sign_in(self, user) -> "PathwaysClient":
        """Start a session for `user` without going through the login form."""
        now = int(time.time())
        with self.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = user.alt_id
            sess["_fresh"] = True
            sess["auth_at"] = now
            sess["seen_at"] = now
        return self


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    database = TestDatabase(tmp_path_factory.mktemp("db"))
    yield database
    database.drop()


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "RATELIMIT_STORAGE_URI": "memory://",
    "STRICT_TEMPLATES": True,
    "PATHWAYS_ENV": "testing",
}


@pytest.fixture
def app_config(tmp_path):
    """Settings for this test's app; a test may change them before using `app`."""
    return dict(TEST_CONFIG, INSTANCE_FILES=str(tmp_path / "files"))


@pytest.fixture
def app(test_database, tmp_path, app_config):
    config = dict(app_config, DATABASE_URL=test_database.fresh_url(tmp_path))
    application = create_app(config)
    application.test_client_class = PathwaysClient
    limiter.reset()
    # No app context stays pushed: each request must get its own `g`, as in production.
    # Tests query the database directly through the models (the proxy needs no context).
    db.connect(reuse_if_open=True)
    yield application
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app) -> PathwaysClient:
    return app.test_client()


@pytest.fixture
def team_a(app):
    return make_team("Team A", "magistrates_court")


@pytest.fixture
def team_b(app):
    return make_team("Team B", "probation_office")


@pytest.fixture
def users(app, team_a):
    """One user per role in team A (the admin in no team)."""
    return {role: make_user(role, [] if role == "admin" else [team_a], name=f"{role.title()} A")
            for role in ROLES}


@pytest.fixture
def other_team_user(app, team_b):
    """A practitioner in team B only."""
    return make_user("practitioner", [team_b], name="Practitioner B")


@pytest.fixture
def client_as(app, users):
    """client_as('manager') -> a client signed in as team A's manager."""
    def make(role: str) -> PathwaysClient:
        return app.test_client().sign_in(users[role])
    return make


# Hypothesis: modest example counts in the normal run (every form of every part is
# fuzzed, so the total adds up); PATHWAYS_FUZZ_EXAMPLES raises them for a deeper run.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "pathways", max_examples=int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "8")),
    deadline=None, database=None, derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large])
settings.load_profile("pathways")
