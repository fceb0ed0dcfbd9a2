"""Security headers on every kind of response; nothing personal is cached."""
import re

import pytest

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def assert_secure(response, cacheable=False):
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
    if not cacheable:
        assert response.headers["Cache-Control"] == "no-store"


def test_pages_fragments_errors_and_static_files_carry_the_headers(client_as):
    client = client_as("admin")
    assert_secure(client.get("/"))
    assert_secure(client.hx_get("/admin/users?q=a"))
    assert_secure(client.get("/admin/users/999999"))  # 404
    assert_secure(client_as("trainer").get("/admin/users"))  # 403
    assert_secure(client.get("/login"))
    static = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert_secure(static, cacheable=True)
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_each_page_has_its_own_nonce_and_scripts_use_it(client_as):
    client = client_as("practitioner")
    first, second = client.get("/"), client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    other = re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    assert nonce != other
    scripts = re.findall(r"<script[^>]*>", first.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)


def test_htmx_history_snapshots_are_off(client_as):
    page = client_as("practitioner").get("/").get_data(as_text=True)
    assert 'hx-history="false"' in page
    assert '"historyCacheSize":0' in page and '"allowEval":false' in page


def test_session_cookie_is_httponly_and_lax(client, users):
    from tests.factories import PASSWORD
    response = client.post_form("/login", {"email": users["practitioner"].email,
                                           "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in tests


def test_session_cookie_is_secure_over_https(client, users):
    from tests.factories import PASSWORD
    response = client.post_form("/login", {"email": users["practitioner"].email,
                                           "password": PASSWORD},
                                base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_session_holds_nothing_personal(client, users):
    from tests.factories import PASSWORD
    user = users["practitioner"]
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as sess:
        text = repr(dict(sess))
    assert user.email not in text and user.name not in text
    assert str(user.id) != sess["_user_id"]


@pytest.mark.parametrize("path", ["/", "/admin/users", "/account/password"])
def test_error_pages_and_pages_do_not_echo_the_query(client_as, path):
    page = client_as("trainer").get(path + "?x=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
