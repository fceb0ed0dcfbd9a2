"""Walks every registered route: signed-out users are sent to sign in, a POST without a
CSRF token is refused, and every role outside a view's declared roles gets 403."""
import pytest

from blueprints.access import Access
from models.accounts import ROLES

SAMPLE_VALUES = {"IntegerConverter": 999999, "UUIDConverter": "00000000-0000-4000-8000-000000000000",
                 "UnicodeConverter": "x", "PathConverter": "x", "FloatConverter": 1.5}


def routes(app):
    """(endpoint, method, url) for every rule, its arguments filled with made-up values
    (which name nothing that exists)."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for arg, converter in rule._converters.items():
            name = type(converter).__name__
            values[arg] = (sorted(converter.items)[0] if name == "AnyConverter"
                           else SAMPLE_VALUES.get(name, "x"))
        url = adapter.build(rule.endpoint, values, method=None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_view_declares_who_may_use_it(app):
    undeclared = [e for e, view in app.view_functions.items()
                  if e != "static" and not isinstance(getattr(view, "access", None), Access)]
    assert undeclared == []


def test_signed_out_users_are_sent_to_sign_in(app, client):
    checked = 0
    for endpoint, method, url in routes(app):
        access = app.view_functions[endpoint].access
        if access.public or method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 302, (endpoint, url, response.status_code)
        assert response.headers["Location"].startswith("/login"), endpoint
        hx = client.hx_get(url)
        assert hx.status_code == 401 and hx.headers["HX-Redirect"].startswith("/login"), endpoint
        checked += 1
    assert checked >= 5


def test_posts_without_a_csrf_token_are_refused(app, client_as):
    client = client_as("admin")
    checked = 0
    for endpoint, method, url in routes(app):
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            continue
        response = client.open(url, method=method, data={})
        assert response.status_code == 400, (endpoint, url, response.status_code)
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role", list(ROLES))
def test_roles_outside_a_view_s_declaration_get_403(app, client_as, role):
    client = client_as(role)
    for endpoint, method, url in routes(app):
        access = app.view_functions[endpoint].access
        if access.public or role in access.roles:
            continue
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        assert response.status_code == 403, (role, endpoint, method, response.status_code)
        assert "You do not have access to this page" in response.get_data(as_text=True)


def test_a_view_without_a_declaration_is_refused(app, client_as):
    from flask import Blueprint
    app_bp = Blueprint("undeclared_probe", __name__)

    @app_bp.route("/undeclared-probe")
    def probe():
        return "should never be served"

    app.register_blueprint(app_bp)
    response = client_as("admin").get("/undeclared-probe")
    assert response.status_code == 403
