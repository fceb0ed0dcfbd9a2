"""Walking every route of the app: the shared machinery of the security tests.

`routes(app)` lists every (rule, method) except static files; `url_for_team(app, rule,
team)` fills its arguments with real records of `team` (tests/samples.py); `signed_in(app,
user)` gives a fresh client for `user` as they are in the database now (a POST may have
rotated their session key); `figures` collects the counts the security report quotes.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from models.accounts import User
from tests.samples import ROUTE_QUERIES, url_values

FIGURES_DIR = Path(__file__).resolve().parent.parent / "test-artifacts" / "security"


@dataclass(frozen=True)
class Route:
    rule: object
    method: str

    @property
    def endpoint(self) -> str:
        return self.rule.endpoint

    def __str__(self) -> str:
        return f"{self.method} {self.rule.rule} ({self.endpoint})"


def routes(app, methods: tuple[str, ...] | None = None) -> list[Route]:
    """Every route of the app (one per method), static files left out."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if methods is None or method in methods:
                found.append(Route(rule, method))
    return found


def url_for_team(app, rule, team, query: str = "") -> str:
    """The URL of `rule` with arguments naming records of `team`."""
    values = url_values(rule, team)
    adapter = app.url_map.bind("localhost")
    url = adapter.build(rule.endpoint, values, method=None)
    needed = ROUTE_QUERIES.get(rule.endpoint)
    if needed:
        url += ("&" if "?" in url else "?") + needed
    if query:
        url += ("&" if "?" in url else "?") + query
    return url


def signed_in(app, user):
    """A new client signed in as `user` (re-read, so a rotated session key is current)."""
    return app.test_client().sign_in(User.get_by_id(user.id))


def send(client, route: Route, url: str, htmx: bool = False, data=None, headers=None):
    """One request as a browser would make it (forms carry this session's CSRF token)."""
    headers = dict(headers or {})
    if htmx:
        headers["HX-Request"] = "true"
    if route.method == "GET":
        return client.get(url, headers=headers)
    payload = {"csrf_token": client.csrf_token()}
    if data:
        payload.update(data)
    return client.open(url, method=route.method, data=payload, headers=headers)


def record_figure(name: str, value) -> None:
    """Keep a count for the security report (test-artifacts/security/<name>.json)."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    backend = os.environ.get("PATHWAYS_TEST_DB", "sqlite")
    (FIGURES_DIR / f"{name}-{backend}.json").write_text(json.dumps(value, indent=1))


def filled_form(app, client, route: Route, url: str):
    """(data, field names) for the form the route's own page offers, filled in as a
    user would; (empty, empty) for a POST-only action."""
    from werkzeug.datastructures import MultiDict

    from tests.form_filler import find_form, plausible
    form = None
    if "GET" in route.rule.methods:
        form = find_form(client.get(url).get_data(as_text=True), url)
    return MultiDict(plausible(form) if form else []), (set(form.fields) if form else set())


PREFERRED_ROLES = ("manager", "practitioner", "coordinator", "trainer", "admin")


def caller_role(rule) -> str | None:
    """The role a walker posts as: the first allowed of PREFERRED_ROLES (None: public)."""
    if rule.public:
        return None
    return next(r for r in PREFERRED_ROLES if r in rule.roles)


def response_text(response) -> str:
    """Everything a response shows, as text: the body (zip and Word files unpacked, other
    binary bodies read byte for byte) and the headers."""
    import io
    import zipfile
    data = response.get_data()
    body = data.decode("utf-8", errors="replace")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                body = "\n".join(archive.read(name).decode("utf-8", errors="replace")
                                 for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return body + "\n" + headers


def session_cookie(app, client) -> dict:
    """What the client's session cookie holds, decoded as anyone holding it could."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)
