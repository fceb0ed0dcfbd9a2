"""Sessions end on their own (idle and absolute limits) and a form sent after that, or
with an expired token, keeps what the user typed."""
import time

from tests.factories import PASSWORD

NOTE = "Seen in cell 4 at 09:10.\nCalm, oriented; says she has not slept.\n" * 40


def age_session(client, idle_seconds=0, total_seconds=0):
    with client.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - idle_seconds
        sess["auth_at"] = int(time.time()) - total_seconds


def test_idle_session_is_signed_out(client_as):
    client = client_as("practitioner")
    age_session(client, idle_seconds=31 * 60, total_seconds=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "minutes without activity" in page


def test_session_older_than_the_absolute_limit_is_signed_out(client_as):
    client = client_as("practitioner")
    age_session(client, idle_seconds=60, total_seconds=13 * 3600)
    assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive_but_background_polling_does_not(client_as):
    client = client_as("practitioner")
    age_session(client, idle_seconds=29 * 60, total_seconds=29 * 60)
    client.get("/", headers={"X-Background-Refresh": "true"})
    with client.session_transaction() as sess:
        assert time.time() - sess["seen_at"] > 28 * 60
    client.get("/")
    with client.session_transaction() as sess:
        assert time.time() - sess["seen_at"] < 5


def test_htmx_request_on_expired_session_is_sent_to_login(client_as):
    client = client_as("admin")
    age_session(client, idle_seconds=3600, total_seconds=3600)
    response = client.hx_get("/admin/users?q=x",
                             headers={"HX-Current-URL": "http://localhost/admin/users"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/admin/users"
    assert response.get_data() == b""


def test_form_posted_after_the_session_expired_keeps_what_was_typed(app, client_as, users):
    client = client_as("admin")
    age_session(client, idle_seconds=3600, total_seconds=3600)
    token = client.csrf_token()
    response = client.post("/admin/teams/new", data={
        "csrf_token": token, "name": "Night court team", "site_type": "magistrates_court",
        "notes": NOTE}, headers={"Origin": "http://localhost"})
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 401)
    assert "nothing you typed has been lost" in page
    assert 'value="Night court team"' in page
    assert "Seen in cell 4 at 09:10." in page
    # Sign in again: the form comes back, ready to save.
    carried = [("carry_name", "name"), ("carry_value", "Night court team"),
               ("carry_name", "site_type"), ("carry_value", "magistrates_court")]
    data = {"email": users["admin"].email, "password": PASSWORD,
            "next": "/admin/teams/new", "csrf_token": client.csrf_token()}
    from werkzeug.datastructures import MultiDict
    form = MultiDict(list(data.items()) + carried)
    page = client.post("/login", data=form).get_data(as_text=True)
    assert "Your changes have not been saved yet" in page
    assert 'action="/admin/teams/new"' in page
    assert "Night court team" in page
    # And saving it from that page works the first time, with the token the page holds
    # (it belongs to the new session).
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/admin/teams/new", data={
        "csrf_token": token, "name": "Night court team", "site_type": "magistrates_court"})
    assert response.status_code == 302


def test_expired_token_for_a_signed_in_user_gives_the_text_back(client_as):
    client = client_as("admin")
    response = client.post("/admin/teams/new", data={
        "csrf_token": "expired-or-forged", "name": "Court 2 team", "site_type": "crown_court",
        "description": NOTE}, headers={"Origin": "http://localhost"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your changes have not been saved yet" in page
    assert "Court 2 team" in page and "Calm, oriented" in page
    assert 'name="csrf_token"' in page  # a fresh token to send it again


def test_cross_site_post_is_not_turned_into_a_one_click_form(client_as):
    client = client_as("admin")
    response = client.post("/admin/teams/new", data={"name": "Planted", "site_type": "prison"},
                           headers={"Origin": "https://evil.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Planted" not in page


def test_htmx_post_with_expired_token_swaps_the_whole_page(client_as):
    client = client_as("admin")
    response = client.post("/admin/teams/new", data={"name": "Typed text"},
                           headers={"HX-Request": "true", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "body"
    assert "Typed text" in response.get_data(as_text=True)


def test_passwords_are_never_carried(client):
    response = client.post("/account/password", data={
        "current_password": "secret-one", "new_password": "secret-two"},
        headers={"Origin": "http://localhost"})
    page = response.get_data(as_text=True)
    assert "secret-one" not in page and "secret-two" not in page
