"""Stored hostile text renders inert everywhere, and every kind of response carries the
security headers.

Every text field of every model is filled with script, event-handler, htmx-attribute,
template-injection, javascript: and spreadsheet-formula payloads; every GET route is then
requested as each role, as a page and as an htmx fragment."""
from __future__ import annotations

import csv
import io
import itertools
import re

import pytest

from tests.canary import CanarySeed
from tests.factories import make_team, make_user
from tests.route_walker import record_figure, routes, signed_in, url_for_team
from tests.test_security_canary import canary_ids

PAYLOADS = [
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    '<div hx-get="/zqhx" hx-trigger="load">',
    "<svg onload=alert(1)>",
    "{{7*'7'}}",
    "javascript:alert(1)",
    '=HYPERLINK("http://x.example")',
    "{{7*'7'}}",
]
# What any of them looks like when it was NOT made inert in HTML.
LIVE_HTML = re.compile(
    r"<script>alert\(|<img src=x onerror|<div hx-get=\"/zqhx\"|<svg onload|7777777"
    r"|(?:href|src|action|hx-get|hx-post)=\"\s*javascript:", re.IGNORECASE)
FORMULA_START = ("=", "+", "-", "@")


class PayloadSeed(CanarySeed):
    """Rows of a team with a hostile payload in every text field."""
    _cycle = itertools.cycle(PAYLOADS)

    def text(self, where, max_length=None, email=False):
        if email:
            return f"payload{next(self._numbers)}@example.org"
        for _ in range(len(PAYLOADS)):
            payload = next(self._cycle)
            if not max_length or len(payload) <= max_length:
                return payload
        return ""

    _numbers = itertools.count(1)


def security_header_problems(response, endpoint: str | None) -> list[str]:
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    for needed in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                   "base-uri 'none'"):
        if needed not in csp:
            problems.append(f"CSP lacks {needed}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows inline or eval")
    expected = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin"}
    problems += [f"{k} is {headers.get(k)!r}" for k, v in expected.items() if headers.get(k) != v]
    if endpoint != "static" and headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control is {headers.get('Cache-Control')!r}")
    return problems


def inert_problems(response) -> list[str]:
    body = response.get_data().decode("utf-8", errors="replace")
    kind = response.mimetype
    if kind == "text/csv":
        rows = csv.reader(io.StringIO(body))
        return [f"CSV cell starts a formula: {cell[:40]!r}" for row in rows for cell in row
                if cell.startswith(FORMULA_START) and "HYPERLINK" in cell]
    # JSON and plain text carry the text as data: served with nosniff and their own type,
    # browsers never run them. HTML is where it must be escaped.
    if kind in ("text/html", "application/xhtml+xml"):
        return [f"live markup: {m.group(0)!r}" for m in LIVE_HTML.finditer(body)]
    return []


def test_stored_hostile_text_is_inert_on_every_page_and_fragment(app):
    team = make_team("Team A", "magistrates_court")
    seed = PayloadSeed(team)
    _fill(seed)
    members = {role: make_user(role, [] if role == "admin" else [team])
               for role in ("practitioner", "coordinator", "trainer", "manager", "admin")}
    ids = canary_ids(seed)
    adapter = app.url_map.bind("localhost")
    failures, checked, escaped_seen = [], 0, False
    for route in routes(app, methods=("GET",)):
        own = url_for_team(app, route.rule, team)
        with_payload_rows = adapter.build(route.endpoint, dict(
            _values_of(app, own, route), **{k: v for k, v in ids.items()
                                            if k in route.rule.arguments}), method=None)
        for user in members.values():
            client = signed_in(app, user)
            for url in dict.fromkeys([own, with_payload_rows]):
                for htmx in (False, True):
                    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                    checked += 1
                    body = response.get_data().decode("utf-8", errors="replace")
                    escaped_seen |= "&lt;script&gt;alert(1)" in body
                    for problem in inert_problems(response) + security_header_problems(
                            response, route.endpoint):
                        failures.append(f"{route} as {user.role}{' (htmx)' if htmx else ''}: "
                                        f"{problem}")
    record_figure("hostile-rendering", {"requests": checked})
    assert escaped_seen, "no page showed the stored payloads at all: the test saw nothing"
    assert failures == [], "\n".join(dict.fromkeys(failures))


def _fill(seed):
    """seed_canaries with a payload seed: every model's row for the seed's team."""
    from tests.canary import fill
    seed.team.name = "Team A " + seed.text("Team.name", 100)
    seed.team.save()
    fill(seed)


def _values_of(app, url, route):
    adapter = app.url_map.bind("localhost")
    endpoint, values = adapter.match(url.split("?")[0], method="GET")
    return values


def test_error_pages_and_static_files_carry_the_security_headers(app, client_as, users):
    from flask import Blueprint

    from blueprints.access import signed_in as signed_in_only
    probe = Blueprint("failure_probe", __name__)

    @probe.route("/failure-probe")
    @signed_in_only
    def failing():
        raise RuntimeError("simulated failure")

    app.register_blueprint(probe)
    client = client_as("practitioner")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    responses = {
        "404": (client.get("/no/such/page"), None),
        "404 htmx": (client.hx_get("/no/such/page"), None),
        "405": (client.get("/logout"), "auth.logout"),
        "400 csrf": (client.post("/account/password", data={}), "auth.password"),
        "413": (client.post("/account/password", data={"x": big}), "auth.password"),
        "500": (client.get("/failure-probe"), "failure_probe.failing"),
        "403": (client.get("/admin/users"), "admin.users"),
        "login redirect": (app.test_client().get("/"), "dashboard.index"),
        "htmx login": (app.test_client().hx_get("/"), "dashboard.index"),
        "static": (client.get("/static/vendor/htmx-2.0.11.min.js"), "static"),
    }
    statuses = {name: r.status_code for name, (r, _) in responses.items()}
    assert statuses["500"] == 500 and statuses["413"] == 413 and statuses["405"] == 405
    for name, (response, endpoint) in responses.items():
        assert security_header_problems(response, endpoint) == [], name
    assert "simulated failure" not in responses["500"][0].get_data(as_text=True)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_team_names_render_as_text_on_the_admin_pages(client_as, users, payload):
    admin = client_as("admin")
    admin.post_form("/admin/teams/new", {"name": f"Team {payload}", "site_type": "prison"})
    for url in ("/admin/teams", "/admin/users/new"):
        response = admin.get(url)
        assert inert_problems(response) == []
