"""Administrators manage users and teams; every change is audited and takes effect at once."""
import re

import pytest

from models.accounts import Membership, Team, User
from models.audit import AuditEvent
from tests.factories import PASSWORD, make_team, make_user


def user_form(**overrides):
    data = {"name": "Ama Mensah", "email": "Ama.Mensah@Charity.example", "role": "practitioner",
            "teams": [], "active": "y"}
    data.update(overrides)
    return data


def test_admin_creates_a_user_with_a_temporary_password(app, client_as, team_a):
    admin = client_as("admin")
    response = admin.post_form("/admin/users/new", user_form(teams=[str(team_a.id)]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "shown only once" in page
    password = re.search(r'id="temporary-password"><code>([^<]+)</code>', page).group(1)
    user = User.get(User.email == "ama.mensah@charity.example")  # stored lower-case
    assert user.must_change_password and user.team_ids() == {team_a.id}
    assert AuditEvent.select().where(AuditEvent.action == "admin.user_created").count() == 1
    # The new user can sign in with it, and is sent to choose their own.
    newcomer = app.test_client()
    response = newcomer.post_form("/login", {"email": "ama.mensah@charity.example",
                                             "password": password})
    assert response.headers["Location"] == "/account/password"


def test_email_is_unique_whatever_its_case(client_as, users, team_a):
    response = client_as("admin").post_form(
        "/admin/users/new", user_form(email=users["trainer"].email.upper(), teams=[str(team_a.id)]))
    assert "already exists" in response.get_data(as_text=True)
    assert User.select().count() == len(users)


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Enter the person&#39;s full name"),
    ({"name": "x" * 121}, "120 characters or fewer"),
    ({"email": "not-an-email"}, "correct format"),
    ({"role": "superuser"}, "Not a valid choice"),
    ({"teams": []}, "Select at least one team"),
    ({"teams": ["99999"]}, "Choose teams from the list"),
    ({"name": "Bad\x00name"}, "control characters"),
])
def test_bad_user_details_are_explained_and_nothing_is_stored(client_as, users, team_a,
                                                              overrides, message):
    data = user_form(teams=[str(team_a.id)])
    data.update(overrides)
    response = client_as("admin").post_form("/admin/users/new", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert 'class="nhsuk-error-summary"' in response.get_data(as_text=True)
    assert User.select().count() == len(users)


def test_hostile_names_are_shown_as_text(client_as, team_a):
    admin = client_as("admin")
    admin.post_form("/admin/users/new", user_form(
        name="<script>alert(1)</script>", teams=[str(team_a.id)]))
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_removing_a_user_from_a_team_ends_their_sessions(app, client_as, users, team_a):
    team_b = make_team("Team B2")
    practitioner = users["practitioner"]
    Membership.create(user=practitioner, team=team_b)
    their_browser = app.test_client().sign_in(User.get_by_id(practitioner.id))
    assert their_browser.get("/").status_code == 200
    response = client_as("admin").post_form(f"/admin/users/{practitioner.id}", user_form(
        name=practitioner.name, email=practitioner.email, teams=[str(team_a.id)],
        version=str(practitioner.version)))
    assert response.status_code == 302
    assert User.get_by_id(practitioner.id).team_ids() == {team_a.id}
    assert their_browser.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in_and_their_records_stay(app, client_as, users):
    practitioner = users["practitioner"]
    their_browser = app.test_client().sign_in(practitioner)
    client_as("admin").post_form(f"/admin/users/{practitioner.id}", user_form(
        name=practitioner.name, email=practitioner.email, teams=[str(t) for t in practitioner.team_ids()],
        active="", version=str(practitioner.version)))
    stored = User.get_by_id(practitioner.id)
    assert stored.active is False
    assert their_browser.get("/").status_code == 302
    response = app.test_client().post_form("/login", {"email": practitioner.email,
                                                      "password": PASSWORD})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert Membership.select().where(Membership.user == practitioner).count() == 1


def test_stale_edit_is_refused_not_applied(client_as, users):
    trainer = users["trainer"]
    admin = client_as("admin")
    stale_version = str(trainer.version)
    admin.post_form(f"/admin/users/{trainer.id}", user_form(
        name="First Edit", email=trainer.email, role="trainer",
        teams=[str(t) for t in trainer.team_ids()], version=stale_version))
    response = admin.post_form(f"/admin/users/{trainer.id}", user_form(
        name="Second Edit", email=trainer.email, role="trainer",
        teams=[str(t) for t in trainer.team_ids()], version=stale_version))
    assert "Someone else changed this user" in response.get_data(as_text=True)
    assert User.get_by_id(trainer.id).name == "First Edit"


def test_admin_cannot_lock_themselves_out(client_as, users):
    admin = users["admin"]
    response = client_as("admin").post_form(f"/admin/users/{admin.id}", user_form(
        name=admin.name, email=admin.email, role="admin", active="", version=str(admin.version)))
    assert "cannot deactivate yourself" in response.get_data(as_text=True)
    assert User.get_by_id(admin.id).active is True


def test_reset_password_signs_the_user_out_and_shows_a_new_one(app, client_as, users):
    manager = users["manager"]
    their_browser = app.test_client().sign_in(manager)
    page = client_as("admin").post_form(f"/admin/users/{manager.id}/reset-password").get_data(
        as_text=True)
    assert "shown only once" in page
    assert their_browser.get("/").status_code == 302
    assert User.get_by_id(manager.id).must_change_password


def test_teams_are_created_renamed_and_unique(client_as, team_a):
    admin = client_as("admin")
    assert admin.post_form("/admin/teams/new", {"name": "Thames Crown Court",
                                                "site_type": "crown_court"}).status_code == 302
    response = admin.post_form("/admin/teams/new", {"name": "team a", "site_type": "prison"})
    assert "already exists" in response.get_data(as_text=True)
    response = admin.post_form(f"/admin/teams/{team_a.id}", {"name": "Team A North",
                                                             "site_type": "magistrates_court"})
    assert response.status_code == 302
    assert Team.get_by_id(team_a.id).name == "Team A North"
    assert admin.get("/admin/teams/99999").status_code == 404


def test_audit_log_lists_and_filters_events(client_as, users):
    admin = client_as("admin")
    admin.post_form("/admin/teams/new", {"name": "Filter Team", "site_type": "prison"})
    page = admin.get("/admin/audit?action=admin.team").get_data(as_text=True)
    assert "admin.team_created" in page
    page = admin.get("/admin/audit?action=auth.").get_data(as_text=True)
    assert "admin.team_created" not in page
    page = admin.get("/admin/audit?person=abc").get_data(as_text=True)
    assert "Enter a record number" in page


def test_an_audit_filter_that_cannot_be_read_lists_nothing_rather_than_everything(
        client_as, users):
    """A bad filter beside a good one must not show the whole log as if it were filtered;
    out-of-range values are a message, not a database error."""
    admin = client_as("admin")
    admin.post_form("/admin/teams/new", {"name": "Filter Team", "site_type": "prison"})
    for query, message in [("person=1&date_to=31/12/2026", "Not a valid date value"),
                           (f"person={2**63}", "Enter a record number"),
                           ("action=" + "x" * 61, "60 characters")]:
        response = admin.get(f"/admin/audit?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, query
        assert "admin.team_created" not in page and "No events match" in page, query
    for query in ("date_to=9999-12-31", f"before={2**63}"):
        response = admin.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
        assert "admin.team_created" in response.get_data(as_text=True), query


def test_audit_dates_are_london_days_and_a_backwards_range_is_refused(client_as, users,
                                                                      monkeypatch):
    """The log shows London times, so "from 5 June" starts at midnight in London: 23:00
    UTC on 4 June in summer time."""
    import datetime as dt

    import models.audit
    from models.audit import AuditEvent
    for at, detail in [(dt.datetime(2026, 6, 4, 22, 59), "before midnight"),
                       (dt.datetime(2026, 6, 4, 23, 30), "half past midnight"),
                       (dt.datetime(2026, 6, 5, 22, 30), "half past eleven"),
                       (dt.datetime(2026, 6, 5, 23, 0), "next day")]:
        # Audit rows cannot be changed afterwards: each is written at its time.
        monkeypatch.setattr(models.audit, "utcnow", lambda at=at: at)
        AuditEvent.record("test.event", detail=detail)
    monkeypatch.undo()
    admin = client_as("admin")
    page = admin.get("/admin/audit?action=test.&date_from=2026-06-05&date_to=2026-06-05")
    shown = page.get_data(as_text=True)
    assert "half past midnight" in shown and "half past eleven" in shown
    assert "before midnight" not in shown and "next day" not in shown
    page = admin.get("/admin/audit?action=test.&date_from=2026-06-06&date_to=2026-06-05")
    shown = page.get_data(as_text=True)
    assert "The end date is before the start date" in shown and "half past" not in shown


def test_audit_log_pages_backwards(client_as, users):
    from models.audit import AuditEvent
    for n in range(60):
        AuditEvent.record("test.event", detail=f"event {n}")
    admin = client_as("admin")
    page = admin.get("/admin/audit?action=test.").get_data(as_text=True)
    assert "event 59" in page and "event 9<" not in page
    older = re.search(r'href="(/admin/audit\?[^"]*before=\d+[^"]*)"', page).group(1)
    page = admin.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert "event 9<" in page and "event 59" not in page


def test_users_page_answers_htmx_with_just_the_results(client_as, users):
    admin = client_as("admin")
    full = admin.get("/admin/users?q=Trainer")
    fragment = admin.hx_get("/admin/users?q=Trainer")
    assert "<html" in full.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<table" in body
    assert "Trainer A" in body and "Manager A" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in full.headers["Vary"]


def test_only_admins_reach_admin_pages(client_as, users):
    for role in ("practitioner", "coordinator", "trainer", "manager"):
        assert client_as(role).get("/admin/users").status_code == 403
    make_user("admin", name="Second Admin")
    assert client_as("admin").get("/admin/users").status_code == 200
