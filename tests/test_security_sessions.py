"""Sessions: a cookie copied before the session ended never works again; timeouts hold
for htmx too; sign-in gives nothing away about which accounts exist, by its words or by
its timing."""
from __future__ import annotations

import re
import statistics
import time

import pytest

from blueprints.extensions import limiter
from models.accounts import Membership, User
from tests.factories import PASSWORD, make_team, make_user

COOKIE = "pathways_session"


def sign_in_by_form(client, user, password=PASSWORD):
    response = client.post_form("/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get_cookie(COOKIE).value


def replay(app, cookie_value):
    """A new browser presenting a copied session cookie."""
    browser = app.test_client()
    browser.set_cookie(COOKIE, cookie_value)
    return browser


def admin_edit(app, admin, user, **changes):
    user = User.get_by_id(user.id)
    data = {"name": user.name, "email": user.email, "role": user.role,
            "active": "y" if user.active else "", "version": str(user.version),
            "teams": [str(t) for t in user.team_ids()]}
    data.update(changes)
    client = app.test_client().sign_in(admin)
    response = client.post_form(f"/admin/users/{user.id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def end_by_logout(app, user, browser, admin, team_b):
    assert browser.post_form("/logout").status_code in (302, 303)


def end_by_password_change(app, user, browser, admin, team_b):
    elsewhere = app.test_client()
    sign_in_by_form(elsewhere, user)
    response = elsewhere.post_form("/account/password", {
        "current_password": PASSWORD, "new_password": "another long passphrase",
        "confirm_password": "another long passphrase"})
    assert response.status_code == 302


def end_by_deactivation(app, user, browser, admin, team_b):
    admin_edit(app, admin, user, active="")


def end_by_team_removal(app, user, browser, admin, team_b):
    admin_edit(app, admin, user, teams=[str(team_b.id)])


@pytest.mark.parametrize("ending", [end_by_logout, end_by_password_change,
                                    end_by_deactivation, end_by_team_removal],
                         ids=["logout", "password change", "deactivation", "team removal"])
def test_a_cookie_captured_before_the_session_ended_no_longer_works(app, ending):
    team_a, team_b = make_team("Team A"), make_team("Team B")
    admin = make_user("admin")
    user = make_user("practitioner", [team_a, team_b] if ending is end_by_team_removal
                     else [team_a])
    browser = app.test_client()
    captured = sign_in_by_form(browser, user)
    assert replay(app, captured).get("/").status_code == 200  # the copy works until then
    ending(app, user, browser, admin, team_b)
    copy = replay(app, captured)
    response = copy.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    hx = copy.get("/", headers={"HX-Request": "true"})
    assert hx.status_code == 401 and hx.headers["HX-Redirect"].startswith("/login")


def test_sign_in_issues_a_new_session_and_the_old_cookie_stays_anonymous(app):
    user = make_user("practitioner", [make_team("Team A")])
    browser = app.test_client()
    browser.get("/login")
    with browser.session_transaction() as sess:
        sess["planted"] = "fixation attempt"
    before = browser.get_cookie(COOKIE).value
    after = sign_in_by_form(browser, user)
    assert after != before
    assert replay(app, before).get("/").status_code == 302
    assert replay(app, after).get("/").status_code == 200


@pytest.mark.parametrize("idle, total", [(31 * 60, 31 * 60), (60, 13 * 3600)],
                         ids=["idle", "absolute"])
def test_an_expired_session_sends_htmx_to_sign_in_and_pages_to_the_login(app, idle, total):
    user = make_user("practitioner", [make_team("Team A")])
    browser = app.test_client().sign_in(user)
    with browser.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - idle
        sess["auth_at"] = int(time.time()) - total
    hx = browser.get("/", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/"})
    assert hx.status_code == 401 and hx.headers["HX-Redirect"] == "/login?next=/"
    assert browser.get("/").status_code == 302  # and it stays signed out


def _normalised(body: str) -> str:
    body = re.sub(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"',
                  "CSRF", body)
    body = re.sub(r'nonce="[^"]*"', "NONCE", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "CSRF", body)
    return re.sub(r'value="[^"]*@[^"]*"', "EMAIL", body)


@pytest.fixture
def costly_hashing(app_config):
    # Real-ish Argon2 cost so the hash, not the test client, decides the timing.
    app_config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16384)


def test_unknown_account_and_wrong_password_look_and_take_the_same(costly_hashing, app):
    from blueprints.auth.passwords import hash_password
    with app.app_context():
        user = make_user("practitioner", [make_team("Team A")])
        user.password_hash = hash_password(PASSWORD)  # the app's own cost, as in production
        user.save()
    client = app.test_client()
    timings = {"unknown": [], "wrong": []}
    bodies = {}
    for n in range(12):
        for case in ("unknown", "wrong"):
            limiter.reset()  # throttling would answer early; this measures the password check
            email = f"nobody{n}@pathways.example" if case == "unknown" else user.email
            started = time.perf_counter()
            response = client.post_form("/login", {"email": email, "password": "not it at all"})
            timings[case].append(time.perf_counter() - started)
            assert response.status_code == 200
            bodies[case] = _normalised(response.get_data(as_text=True))
    assert bodies["unknown"] == bodies["wrong"]
    unknown, wrong = statistics.median(timings["unknown"]), statistics.median(timings["wrong"])
    assert 0.6 < unknown / wrong < 1.6, (unknown, wrong)


def test_throttling_counts_per_account_and_per_address(app):
    team = make_team("Team A")
    target, bystander = make_user("practitioner", [team]), make_user("manager", [team])
    for n in range(5):  # guesses at one account from many addresses
        app.test_client().post_form("/login", {"email": target.email, "password": "guess"},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"})
    fresh = app.test_client()
    refused = fresh.post_form("/login", {"email": target.email, "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "10.0.9.9"})
    assert refused.status_code == 429
    limiter.reset()
    for n in range(30):  # one address spraying many accounts
        app.test_client().post_form("/login", {"email": f"spray{n}@x.example", "password": "x"},
                                    environ_base={"REMOTE_ADDR": "10.1.1.1"})
    sprayer = app.test_client().post_form("/login", {"email": bystander.email,
                                                     "password": PASSWORD},
                                          environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert sprayer.status_code == 429
    elsewhere = app.test_client().post_form("/login", {"email": bystander.email,
                                                       "password": PASSWORD},
                                            environ_base={"REMOTE_ADDR": "10.2.2.2"})
    assert elsewhere.status_code == 302
    assert Membership.select().count() == 2


def test_an_unfinished_download_lends_nobody_s_identity_to_the_next_request(app):
    """A download is streamed; if its request stayed open until the stream ended, the
    next request in the same thread would run as the downloader (with their teams)."""
    from tests.samples import SAMPLES
    team, other = make_team("Team A"), make_team("Team B")
    document = SAMPLES["document_id"](team, {})
    member = make_user("practitioner", [team])
    outsider = make_user("practitioner", [other])
    url = f"/letters/documents/{document}/download"
    started = app.test_client().sign_in(member).get(url)  # body never read
    assert started.status_code == 200
    assert app.test_client().sign_in(outsider).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302
