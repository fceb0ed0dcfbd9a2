"""Signing in and out: the right person gets in, nobody learns which accounts exist,
guessing is slowed down, and `next` cannot send anyone off-site."""
import pytest

from models.accounts import User
from models.audit import AuditEvent
from tests.factories import PASSWORD, make_user

SAME_MESSAGE = "Enter a correct email address and password"


def login(client, email, password, **extra):
    return client.post_form("/login", {"email": email, "password": password, **extra})


def test_practitioner_signs_in_and_sees_their_home_page(client, users):
    user = users["practitioner"]
    response = login(client, user.email.upper(), PASSWORD)  # email is case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Hello, Practitioner" in home.get_data(as_text=True)
    assert "Team A" in home.get_data(as_text=True)
    assert User.get_by_id(user.id).last_login_at is not None
    assert AuditEvent.select().where(AuditEvent.action == "auth.login",
                                     AuditEvent.actor == user).count() == 1


def test_login_starts_a_new_session(client, users):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    login(client, users["practitioner"].email, PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == users["practitioner"].alt_id
        assert set(sess) <= {"_user_id", "_fresh", "_id", "auth_at", "seen_at", "csrf_token",
                             "_flashes"}


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "deactivated"])
def test_failed_sign_in_says_the_same_thing_whatever_the_reason(client, users, case):
    email, password = users["practitioner"].email, "not the password"
    if case == "unknown email":
        email, password = "nobody@pathways.example", PASSWORD
    if case == "deactivated":
        make_user("practitioner", email="gone@pathways.example", active=False)
        email, password = "gone@pathways.example", PASSWORD
    response = login(client, email, password)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SAME_MESSAGE in body
    assert 'href="#email"' not in body or SAME_MESSAGE in body
    assert client.get("/").status_code == 302  # still signed out
    assert AuditEvent.select().where(AuditEvent.action == "auth.login_failed").count() == 1


def test_missing_and_overlong_fields_are_explained(client, users):
    body = login(client, "", "").get_data(as_text=True)
    assert "Enter your email address" in body
    assert "Enter your password" in body
    body = login(client, "a" * 300 + "@x.org", "x" * 500).get_data(as_text=True)
    assert "254 characters or fewer" in body
    assert "128 characters or fewer" in body


def test_repeated_failures_lock_the_account_for_a_while(client, users):
    email = users["practitioner"].email
    for _ in range(5):
        assert SAME_MESSAGE in login(client, email, "wrong guess").get_data(as_text=True)
    response = login(client, email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another account from the same address is not locked by this one's failures.
    assert login(client, users["manager"].email, PASSWORD).status_code == 302


def test_the_lock_lasts_fifteen_minutes_from_the_fifth_failure(client, users, monkeypatch):
    """Five failures within 15 minutes lock the account for 15 minutes from the fifth,
    however the failures fall against the clock."""
    import time
    start = time.time()
    now = {"t": start}
    monkeypatch.setattr(time, "time", lambda: now["t"])
    email = users["practitioner"].email

    def at(minutes):
        now["t"] = start + minutes * 60

    login(client, email, "wrong guess")
    at(14 + 50 / 60)
    for _ in range(4):
        login(client, email, "wrong guess")
    at(15 + 5 / 60)   # the first failure is 15 minutes old: still locked
    assert login(client, email, PASSWORD).status_code == 429
    at(29.5)
    assert login(client, email, PASSWORD).status_code == 429
    at(30)            # 15 minutes after the fifth
    assert login(client, email, PASSWORD).status_code == 302


def test_failures_either_side_of_a_clock_boundary_still_count_together(client, users,
                                                                       monkeypatch):
    import time
    start = time.time()
    now = {"t": start}
    monkeypatch.setattr(time, "time", lambda: now["t"])
    email = users["practitioner"].email
    for minute in (0, 14.9, 14.9, 14.9, 15.1, 15.1):
        now["t"] = start + minute * 60
        login(client, email, "wrong guess")
    assert login(client, email, PASSWORD).status_code == 429


def test_throttle_counts_unknown_accounts_too(client, users):
    for _ in range(5):
        login(client, "ghost@pathways.example", "guess")
    response = login(client, "ghost@pathways.example", "guess")
    assert response.status_code == 429


def test_many_failures_from_one_address_are_throttled(client, users):
    for n in range(30):
        login(client, f"spray{n}@pathways.example", "guess")
    assert login(client, users["practitioner"].email, PASSWORD).status_code == 429


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", " /", "/%0d%0aSet-Cookie:x=1",
])
def test_next_cannot_send_anyone_off_site(client, users, target):
    response = login(client, users["practitioner"].email, PASSWORD, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "\r" not in location and "\n" not in location


def test_next_on_this_site_is_followed(client, users):
    response = login(client, users["admin"].email, PASSWORD, next="/admin/users?q=a")
    assert response.headers["Location"] == "/admin/users?q=a"


def test_signing_out_ends_every_session_of_the_user(app, users):
    browser1 = app.test_client()
    browser2 = app.test_client()
    login(browser1, users["practitioner"].email, PASSWORD)
    login(browser2, users["practitioner"].email, PASSWORD)
    with browser1.session_transaction() as sess:
        captured = dict(sess)
    response = browser1.post_form("/logout")
    assert response.headers["Location"] == "/login"
    assert browser1.get("/").status_code == 302
    assert browser2.get("/").status_code == 302  # the other browser is signed out too
    replay = app.test_client()
    with replay.session_transaction() as sess:
        sess.update(captured)
    assert replay.get("/").status_code == 302  # a copied cookie no longer works


def test_logout_needs_a_post_with_a_token(client_as):
    client = client_as("practitioner")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_user_changes_password_and_other_sessions_end(app, users):
    user = users["trainer"]
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email, PASSWORD)
    login(elsewhere, user.email, PASSWORD)
    response = here.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "a much better passphrase",
        "confirm_password": "a much better passphrase"})
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/").status_code == 302
    fresh = app.test_client()
    assert login(fresh, user.email, PASSWORD).status_code == 200
    assert login(fresh, user.email, "a much better passphrase").status_code == 302


@pytest.mark.parametrize("new, confirm, current, message", [
    ("short", "short", PASSWORD, "at least 10 characters"),
    ("a long new password", "a different one!!", PASSWORD, "do not match"),
    ("a long new password", "a long new password", "wrong current", "current password is not correct"),
    (PASSWORD, PASSWORD, PASSWORD, "different from the current one"),
    ("x" * 200, "x" * 200, PASSWORD, "128 characters or fewer"),
])
def test_password_change_refuses_bad_choices(client_as, users, new, confirm, current, message):
    client = client_as("trainer")
    before = User.get_by_id(users["trainer"].id).password_hash
    response = client.post_form("/account/password", {
        "current_password": current, "new_password": new, "confirm_password": confirm})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert User.get_by_id(users["trainer"].id).password_hash == before


def test_temporary_password_must_be_changed_first(client, users):
    user = users["coordinator"]
    User.update(must_change_password=True).where(User.id == user.id).execute()
    response = login(client, user.email, PASSWORD)
    assert response.headers["Location"] == "/account/password"
    assert client.get("/").headers["Location"] == "/account/password"
    client.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "my own passphrase now",
        "confirm_password": "my own passphrase now"})
    assert client.get("/").status_code == 200
