"""My day: the home page lists for each role, each refreshable alone by htmx."""
from __future__ import annotations

import datetime as dt

import pytest

from blueprints.dashboard.period import london_today
from tests.factories import make_hearing, make_person, make_referral


def test_practitioner_sees_today_s_hearings_for_their_teams_only(client_as, users, team_a,
                                                                  team_b):
    today = london_today()
    mine = make_referral(make_person(given_name="Ada", family_name="Lovelace"), team_a)
    make_hearing(mine, date=today, time=dt.time(14, 0), court="Thames Magistrates' Court")
    early = make_referral(make_person(given_name="Bea", family_name="Early"), team_a)
    make_hearing(early, date=today, time=dt.time(9, 30))
    make_hearing(mine, date=today + dt.timedelta(days=1), court="Tomorrow's Court")
    theirs = make_referral(make_person(given_name="Other", family_name="Teamperson"), team_b)
    make_hearing(theirs, date=today)
    page = client_as("practitioner").get("/").get_data(as_text=True)
    assert "Today’s hearings" in page
    assert "Ada Lovelace" in page and "Thames Magistrates&#39; Court" in page
    assert page.index("Bea Early") < page.index("Ada Lovelace")  # by time
    assert "Tomorrow" not in page and "Teamperson" not in page


def test_hearings_of_a_referral_shared_with_my_team_are_listed(client_as, users, team_a, team_b):
    from models.people import ReferralShare
    shared = make_referral(make_person(given_name="Shared", family_name="Case"), team_b)
    ReferralShare.create(referral=shared, team=team_a, from_team=team_b, kind="share",
                         shared_by=users["manager"])
    make_hearing(shared, date=london_today())
    assert "Shared Case" in client_as("practitioner").get("/").get_data(as_text=True)


def test_my_open_referrals_lists_only_mine_and_open(client_as, users, team_a, team_b):
    me = users["practitioner"]
    make_referral(make_person(given_name="Mine", family_name="Open"), team_a, assigned_to=me)
    make_referral(make_person(given_name="Mine", family_name="Closed"), team_a, assigned_to=me,
                  status="closed", outcome="nfa")
    make_referral(make_person(given_name="Someone", family_name="Elses"), team_a,
                  assigned_to=users["manager"])
    make_referral(make_person(given_name="Moved", family_name="Away"), team_b, assigned_to=me)
    page = client_as("practitioner").get("/").get_data(as_text=True)
    assert "My open referrals" in page and "Mine Open" in page
    assert "1 open referral assigned to you" in page
    assert "Mine Closed" not in page and "Someone Elses" not in page and "Moved Away" not in page


def test_a_panel_refreshes_alone_for_htmx(client_as, users, team_a):
    make_hearing(make_referral(make_person(given_name="Late", family_name="Listing"), team_a),
                 date=london_today())
    response = client_as("practitioner").hx_get("/my-day/hearings")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<section') and 'id="panel-hearings"' in body
    assert "Late Listing" in body and "<html" not in body and "My open referrals" not in body


def test_a_panel_link_without_htmx_goes_back_to_the_home_page(client_as):
    response = client_as("practitioner").get("/my-day/referrals")
    assert response.status_code == 302 and response.headers["Location"].endswith("/#panel-referrals")


def test_panels_of_another_role_give_nothing_and_unknown_ones_are_not_found(client_as):
    trainer = client_as("trainer").hx_get("/my-day/hearings")
    assert trainer.status_code == 204 and trainer.get_data() == b""
    assert client_as("admin").hx_get("/my-day/referrals").status_code == 204
    assert client_as("practitioner").hx_get("/my-day/nothing").status_code == 404


def test_empty_lists_say_so(client_as):
    page = client_as("practitioner").get("/").get_data(as_text=True)
    assert "No hearings for your teams today." in page
    assert "No open referrals are assigned to you." in page


def test_trainer_and_admin_home_pages_show_no_case_lists(client_as, team_a):
    make_hearing(make_referral(make_person(given_name="Case", family_name="Person"), team_a),
                 date=london_today())
    for role in ("trainer", "admin"):
        page = client_as(role).get("/").get_data(as_text=True)
        assert "Today’s hearings" not in page and "Case Person" not in page


def test_manager_home_page_links_to_reports(client_as):
    page = client_as("manager").get("/").get_data(as_text=True)
    assert "/reports" in page and "Today’s hearings" in page


def test_demo_history_is_added_once_and_fills_the_reports(app, client):
    from models.accounts import User
    from models.people import Referral
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    made = Referral.select().count()
    assert made >= 300
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert Referral.select().count() == made
    client.sign_in(User.by_email("manager@pathways.example"))
    page = client.get("/reports").get_data(as_text=True)
    assert 'role="img"' in page and "Referrals by source" in page
    client.sign_in(User.by_email("practitioner@pathways.example"))
    assert "No hearings for your teams today." not in client.get("/").get_data(as_text=True)


def test_hearings_show_whether_the_court_report_is_written(client_as, users, team_a):
    pytest.importorskip("blueprints.letters.generate")
    from blueprints.letters.defaults import install_defaults
    from blueprints.letters.generate import write_letter
    from models.base import writing
    from models.letters import LetterTemplate
    install_defaults()
    court_report = LetterTemplate.for_purpose("court_report")
    gp_letter = LetterTemplate.for_purpose("gp_letter")
    written = make_referral(make_person(given_name="Wendy", family_name="Written"), team_a)
    other_letter = make_referral(make_person(given_name="Gus", family_name="Gpletter"), team_a)
    for referral, template in ((written, court_report), (other_letter, gp_letter)):
        make_hearing(referral, date=london_today())
        with writing():
            write_letter(referral, template.latest_version(), users["practitioner"], {})
    page = client_as("practitioner").get("/").get_data(as_text=True)
    rows = {name: page.split(name)[1].split("</tr>")[0] for name in ("Wendy Written", "Gus Gpletter")}
    assert "Written" in rows["Wendy Written"] and "Write the court report" not in rows["Wendy Written"]
    assert "Not yet" in rows["Gus Gpletter"]  # a letter to the GP is not the court report
    assert (f"/letters/referrals/{other_letter.id}/new?template={court_report.id}"
            in rows["Gus Gpletter"])
    assert f"/people/{written.person_id}" in page  # one click to the person
