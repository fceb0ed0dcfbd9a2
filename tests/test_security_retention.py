"""Retention: closed referrals past the retention period come up for a manager's review;
approved destruction removes the content and leaves a stub and the audit trail;
reopening a referral restarts its clock."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from models.audit import AuditEvent
from models.base import utcnow
from models.people import Hearing, Person, Referral, ReferralShare
from models.retention import Destruction
from models.timeline import TimelineEvent, add_timeline_event
from tests.factories import make_hearing, make_person, make_referral, make_user


def years_ago(years: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=365.25 * years)


def closed_referral(team, closed_years_ago: float, person=None, **fields):
    person = person or make_person(given_name="Maria", family_name="Okafor",
                                   address="12 Mare Street")
    referral = make_referral(person, team, status="closed", outcome="nfa",
                             closure_reason="Engaged with community services",
                             received_at=years_ago(closed_years_ago + 0.5),
                             closed_at=years_ago(closed_years_ago),
                             reason="Low mood, missed appointments", **fields)
    return referral


def test_manager_sees_only_their_teams_closed_referrals_past_the_period(client_as, team_a,
                                                                         team_b):
    due = closed_referral(team_a, 7)
    closed_referral(team_a, 2)                                   # inside the period
    make_referral(make_person(given_name="Open"), team_a)       # open
    other = closed_referral(team_b, 9, person=make_person(given_name="Elsewhere"))
    page = client_as("manager").get("/retention/").get_data(as_text=True)
    assert f'/retention/{due.id}"' in page and "Maria Okafor" in page
    assert f"/retention/{other.id}\"" not in page and "Elsewhere" not in page
    assert len(re.findall(r'href="/retention/\d+"', page)) == 1


@pytest.fixture
def one_year_retention(app_config):
    app_config["RETENTION_YEARS"] = 1


def test_the_retention_period_is_configurable(one_year_retention, client_as, team_a):
    referral = closed_referral(team_a, 2)
    page = client_as("manager").get("/retention/").get_data(as_text=True)
    assert f'/retention/{referral.id}"' in page
    assert "more than 1 years" in page


def test_approved_destruction_removes_content_and_leaves_a_stub(client_as, users, team_a):
    referral = closed_referral(team_a, 7, person=make_person(
        given_name="Maria", family_name="Okafor", nhs_number="9434765919",
        address="12 Mare Street"))
    make_hearing(referral)
    add_timeline_event(referral, users["practitioner"], "letter", "Court letter written")
    manager = client_as("manager")
    assert "Maria Okafor" in manager.get(f"/retention/{referral.id}").get_data(as_text=True)
    response = manager.post_form(f"/retention/{referral.id}",
                                 {"confirm": "y", "version": str(referral.version)})
    assert response.status_code == 303 and response.headers["Location"] == "/retention/"
    stored = Referral.get_by_id(referral.id)
    assert (stored.reason, stored.closure_reason) == ("", "")
    assert Hearing.select().where(Hearing.referral == referral).count() == 0
    assert TimelineEvent.select().where(TimelineEvent.referral == referral).count() == 0
    person = Person.get_by_id(referral.person_id)
    assert (person.given_name, person.nhs_number, person.address) == ("Removed", None, "")
    assert person.date_of_birth is None
    # Nor does the old name find the record any more (its search keys went with it).
    assert (person.given_key, person.family_key) == ("removed", "record")
    for q in ("okafor", "maria okafor", "maria"):
        found = manager.get("/people", query_string={"q": q}).get_data(as_text=True)
        assert "Removed record" not in found.split("My caseload")[0], q
    stub = Destruction.get(Destruction.referral == referral)
    assert stub.approved_by_id == users["manager"].id
    assert stub.closed_at == referral.closed_at and stub.received_at == referral.received_at
    destroyed = AuditEvent.get(AuditEvent.action == "retention.destroyed")
    assert destroyed.object_id == str(referral.id) and destroyed.actor_id == users["manager"].id
    assert "Maria" not in destroyed.detail
    assert AuditEvent.select().where(AuditEvent.action == "retention.reviewed").count() == 1
    assert AuditEvent.verify_chain()[1] is None
    page = manager.get("/retention/").get_data(as_text=True)
    assert "No records are due for review" in page and "Maria" not in page
    assert f"Referral {referral.id} (closed" in page


def test_a_person_with_another_referral_keeps_their_details(client_as, team_a):
    old = closed_referral(team_a, 8)
    make_referral(Person.get_by_id(old.person_id), team_a)  # seen again last week
    client_as("manager").post_form(f"/retention/{old.id}",
                                   {"confirm": "y", "version": str(old.version)})
    assert Referral.get_by_id(old.id).reason == ""
    assert Person.get_by_id(old.person_id).given_name == "Maria"


def test_destruction_needs_the_confirmation_and_a_current_view(client_as, team_a):
    referral = closed_referral(team_a, 7)
    manager = client_as("manager")
    page = manager.post_form(f"/retention/{referral.id}",
                             {"version": str(referral.version)}).get_data(as_text=True)
    assert "Confirm that nothing requires this record to be kept" in page
    page = manager.post_form(f"/retention/{referral.id}",
                             {"confirm": "y", "version": "0"}).get_data(as_text=True)
    assert "changed while you were looking at it" in page
    assert Destruction.select().count() == 0
    assert Referral.get_by_id(referral.id).reason == "Low mood, missed appointments"


def test_reopening_restarts_the_clock(client_as, users, team_a):
    referral = closed_referral(team_a, 7)
    referral.apply_status_change("open")
    referral.save()
    referral.apply_status_change("closed", outcome="diverted", closure_reason="Done again")
    referral.save()
    manager = client_as("manager")
    assert f'/retention/{referral.id}"' not in manager.get("/retention/").get_data(as_text=True)
    response = manager.post_form(f"/retention/{referral.id}",
                                 {"confirm": "y", "version": str(referral.version)})
    assert response.status_code == 303
    assert Destruction.select().count() == 0
    assert Referral.get_by_id(referral.id).closure_reason == "Done again"


@pytest.mark.parametrize("who, status", [("practitioner", 403), ("other manager", 404),
                                         ("shared-with manager", 404)])
def test_only_a_manager_of_the_holding_team_may_destroy(app, client_as, team_a, team_b,
                                                        users, who, status):
    referral = closed_referral(team_a, 7)
    if who == "practitioner":
        client = client_as("practitioner")
    else:
        manager = make_user("manager", [team_b])
        if who == "shared-with manager":
            ReferralShare.create(referral=referral, team=team_b, from_team=team_a,
                                 kind="share", shared_by=users["manager"])
        client = app.test_client().sign_in(manager)
    assert client.get(f"/retention/{referral.id}").status_code == status
    response = client.post_form(f"/retention/{referral.id}",
                                {"confirm": "y", "version": str(referral.version)})
    assert response.status_code == status
    assert Destruction.select().count() == 0
