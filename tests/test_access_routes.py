"""The access matrix: every route × {anonymous, each role, a deactivated user, a user of
another team} answers exactly as the declared policy (blueprints/policy.py) says.

A route missing from the policy, a decorator that disagrees with it, a route argument with
no sample (tests/samples.py) or any response that differs fails here.
"""
from __future__ import annotations

import pytest

from blueprints.access import Access
from blueprints.policy import POLICY
from models.accounts import ROLES
from tests.factories import make_user
from tests.route_walker import record_figure, routes, send, signed_in, url_for_team

SERVED_GET = {200, 204, 302, 303}
SERVED_POST = SERVED_GET | {201, 400, 409, 422}  # an empty form may be refused, not denied
# Routes whose own purpose is to end the session: their answer is the sign-in page.
ENDS_SESSION = {"auth.logout"}


def test_every_route_is_in_the_declared_policy(app):
    missing = sorted({r.endpoint for r in routes(app)} - set(POLICY))
    assert missing == [], ("Routes with no entry in blueprints/policy.py (deny by default): "
                           + ", ".join(missing))


def test_the_policy_names_no_route_that_does_not_exist(app):
    # A stale entry would hide a renamed route; only parts not installed may be absent.
    installed = {bp for bp in app.blueprints}
    stale = [e for e in POLICY if e.split(".")[0] in installed and e not in app.view_functions]
    assert stale == []


def test_every_view_declares_who_may_use_it(app):
    undeclared = [e for e, view in app.view_functions.items()
                  if e != "static" and not isinstance(getattr(view, "access", None), Access)]
    assert undeclared == []


def test_each_view_s_decorator_agrees_with_the_policy(app):
    disagree = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static" or endpoint not in POLICY:
            continue
        rule, access = POLICY[endpoint], view.access
        if rule.public != access.public or (not rule.public and rule.roles != access.roles):
            disagree.append(f"{endpoint}: policy {sorted(rule.roles) or 'public'}, "
                            f"view {sorted(access.roles) or 'public'}")
    assert disagree == []


def expectation(rule, subject: str, role: str | None) -> str:
    """What `subject` (anonymous, member, deactivated, other_team) with `role` must get."""
    if rule.public:
        return "served"
    if subject in ("anonymous", "deactivated"):
        return "login"
    if role not in rule.roles:
        return "forbidden"
    if subject == "other_team" and rule.team_scoped or rule.maker_only:
        return "not_found"
    if role in rule.own_records_only:
        return "forbidden"
    return "served"


def check(response, expected: str, route, htmx: bool) -> str | None:
    """None if `response` is what `expected` means, otherwise what went wrong."""
    status, location = response.status_code, response.headers.get("Location", "")
    if expected == "login":
        if htmx and route.method == "GET":
            ok = status == 401 and response.headers.get("HX-Redirect", "").startswith("/login")
        else:
            ok = status in (302, 303, 401) and (location.startswith("/login") or status == 401)
    elif expected == "forbidden":
        ok = status == 403
    elif expected == "not_found":
        ok = status == 404
    else:
        served = SERVED_GET if route.method == "GET" else SERVED_POST
        to_login = location.startswith("/login") or response.headers.get(
            "HX-Redirect", "").startswith("/login")
        ok = status in served and (not to_login or route.endpoint in ENDS_SESSION)
    return None if ok else f"expected {expected}, got {status} {location}".strip()


@pytest.fixture
def people(app, team_a, team_b):
    """Every kind of caller: team A members by role, team B members by role (the other
    team), deactivated users by role."""
    made = {"member": {}, "other_team": {}, "deactivated": {}}
    for role in ROLES:
        teams_a = [] if role == "admin" else [team_a]
        made["member"][role] = make_user(role, teams_a, name=f"{role} of A")
        if role != "admin":  # an administrator belongs to no team: there is no "other" one
            made["other_team"][role] = make_user(role, [team_b], name=f"{role} of B")
        made["deactivated"][role] = make_user(role, teams_a, active=False)
    return made


def callers_for(rule, people):
    """(subject, role, user, also as htmx) for one route. Every role as a member; the other
    team's users in the roles the route allows (the others are refused like members);
    one deactivated user in a role the route allows."""
    allowed = sorted(rule.roles) or ["practitioner"]
    callers = [("anonymous", None, None, True)]
    callers += [("member", role, user, role == allowed[0])
                for role, user in people["member"].items()]
    callers += [("other_team", role, user, False) for role, user in people["other_team"].items()
                if rule.public or role in rule.roles]
    callers.append(("deactivated", allowed[0], people["deactivated"][allowed[0]], True))
    return callers


# The matrix is split by part so that parallel test workers share it out.
PARTS = sorted({endpoint.split(".")[0] for endpoint in POLICY})


@pytest.mark.parametrize("part", PARTS)
def test_every_route_answers_every_kind_of_caller_as_the_policy_says(app, team_a, people,
                                                                     part):
    failures, checked, route_count = [], 0, 0
    for route in routes(app):
        rule = POLICY.get(route.endpoint)
        if rule is None or route.endpoint.split(".")[0] != part:
            continue  # (routes missing from the policy fail the test above)
        route_count += 1
        url = url_for_team(app, route.rule, team_a)
        for subject, role, user, as_htmx in callers_for(rule, people):
            for htmx in (False, True) if as_htmx and route.method == "GET" else (False,):
                if route.method != "GET":  # a POST may have changed the last records
                    url = url_for_team(app, route.rule, team_a)
                client = app.test_client() if user is None else signed_in(app, user)
                response = send(client, route, url, htmx=htmx)
                problem = check(response, expectation(rule, subject, role), route, htmx)
                response.close()  # as a WSGI server does
                checked += 1
                if problem:
                    failures.append(f"{route} as {subject} {role or ''}"
                                    f"{' (htmx)' if htmx else ''}: {problem}")
    record_figure(f"access-matrix-{part}", {"routes": route_count, "requests": checked})
    assert route_count >= 1
    assert failures == [], "\n".join(failures)


def test_posts_without_a_csrf_token_are_refused(app, client_as, team_a):
    checked = 0
    for route in routes(app, methods=("POST", "PUT", "PATCH", "DELETE")):
        rule = POLICY.get(route.endpoint)
        role = "admin" if rule is None or rule.public else sorted(rule.roles)[0]
        url = url_for_team(app, route.rule, team_a)
        response = client_as(role).open(url, method=route.method, data={})
        assert response.status_code == 400, (str(route), response.status_code)
        checked += 1
    assert checked >= 3


def test_a_view_without_a_declaration_is_refused(app, client_as):
    from flask import Blueprint
    app_bp = Blueprint("undeclared_probe", __name__)

    @app_bp.route("/undeclared-probe")
    def probe():
        return "should never be served"

    app.register_blueprint(app_bp)
    response = client_as("admin").get("/undeclared-probe")
    assert response.status_code == 403


def test_an_id_too_large_for_any_record_is_not_found_on_every_route(app, client_as):
    """An id past what an id column holds is no record: 404, never a database error."""
    from tests.route_walker import routes
    client = client_as("manager")
    checked = 0
    for route in routes(app, ("GET",)):
        arguments = route.rule.arguments
        if not arguments or any(type(route.rule._converters[a]).__name__ != "RecordIdConverter"
                                for a in arguments):
            continue
        for too_large in (2**31, 2**63):
            path = route.rule.rule
            for name in arguments:
                path = path.replace(f"<int:{name}>", str(too_large))
            assert client.get(path).status_code == 404, path
        checked += 1
    assert checked > 20
    cursor = "2026-01-01T00:00:00.000000"
    assert client.get(f"/people?before={cursor}_{2**63}").status_code == 404
    assert client.get(f"/people/1/timeline?before={cursor}_1_{2**63}").status_code == 404
    page = client.get(f"/people/notes?q=hostel&before={2**63}")
    assert page.status_code == 200 and "No notes you may read match" in page.get_data(as_text=True)
