"""Practitioners refer people to directory services from a referral and follow them up;
the rules for each step live in the model; other teams see nothing of it."""
import datetime as dt

import pytest

from models.audit import AuditEvent
from models.service_referrals import (ServiceReferral, ServiceReferralRefused,
                                      ServiceReferralUpdate, overdue_for_list,
                                      overdue_service_referrals, referral_figures)
from models.timeline import TimelineEvent
from tests.directory_factories import make_service, taxonomies  # noqa: F401
from tests.factories import make_referral

pytestmark = pytest.mark.usefixtures("taxonomies")
TODAY = dt.date.today()


@pytest.fixture
def referral(team_a):
    return make_referral(team=team_a)


@pytest.fixture
def service():
    return make_service("Hackney Women's Centre", description="Support for women",
                        categories=["Women's centres"], boroughs=["Hackney"])


def refer_form(chosen, **overrides):
    data = {"service": str(chosen.uuid), "reason": "Needs support with housing and debt.",
            "method": "email", "sent_on": TODAY.isoformat(),
            "follow_up_on": (TODAY + dt.timedelta(days=14)).isoformat()}
    data.update(overrides)
    return data


def made(referral, service, user, **fields):
    values = dict(referral=referral, service=service, team=referral.team_id, reason="r",
                  method="phone", sent_on=TODAY - dt.timedelta(days=20),
                  status_on=TODAY - dt.timedelta(days=20), created_by=user)
    values.update(fields)
    return ServiceReferral.create(**values)


def test_practitioner_refers_a_person_and_it_is_on_the_timeline(client_as, referral, service):
    client = client_as("practitioner")
    page = client.get(f"/directory/referrals/{referral.id}/refer?q=women").get_data(as_text=True)
    assert "Hackney Women" in page and 'name="service"' in page
    response = client.post_form(f"/directory/referrals/{referral.id}/refer", refer_form(service))
    stored = ServiceReferral.get()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/directory/service-referrals/{stored.id}")
    assert (stored.status, stored.method, stored.team_id) == ("made", "email", referral.team_id)
    event = TimelineEvent.get(TimelineEvent.referral == referral)
    assert event.kind == "service_referral" and event.summary == "Referred to Hackney Women's Centre (email)"
    assert (event.link_type, event.link_id) == ("service_referral", str(stored.id))
    audit = AuditEvent.get(AuditEvent.action == "directory.service_referral_made")
    assert audit.person_id == referral.person_id and audit.team_id == referral.team_id
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Referral made" in detail and "Needs support with housing and debt." in detail


def test_live_search_for_the_service_returns_only_the_choices(client_as, referral, service):
    part = client_as("practitioner").hx_get(f"/directory/referrals/{referral.id}/refer?q=hackney")
    text = part.get_data(as_text=True)
    assert "<html" not in text and "Hackney Women" in text and 'type="radio"' in text


@pytest.mark.parametrize("overrides, message", [
    ({"service": ""}, "Choose the service you are referring to"),
    ({"service": "00000000-0000-4000-8000-000000000000"}, "Choose a service from the directory"),
    ({"service": "../../etc/passwd"}, "Choose a service from the directory"),
    ({"reason": ""}, "Enter the reason for the referral"),
    ({"reason": "x" * 2001}, "2000 characters or fewer"),
    ({"method": "pigeon"}, "Not a valid choice"),
    ({"sent_on": "yesterday"}, "Enter the date the referral was sent"),
    ({"sent_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "cannot be in the future"),
    ({"follow_up_on": (TODAY - dt.timedelta(days=2)).isoformat()}, "cannot be before the date sent"),
    ({"reason": "<script>alert(1)</script>\x07"}, "control characters"),
])
def test_bad_referral_details_are_explained_and_nothing_is_stored(client_as, referral, service,
                                                                  overrides, message):
    response = client_as("practitioner").post_form(
        f"/directory/referrals/{referral.id}/refer", refer_form(service, **overrides))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and message in text
    assert ServiceReferral.select().count() == 0 and TimelineEvent.select().count() == 0


def test_archived_services_cannot_be_chosen_but_stay_on_past_referrals(client_as, referral,
                                                                       service, users):
    past = made(referral, service, users["practitioner"])
    service.archived_at = dt.datetime(2026, 1, 1)
    service.save()
    client = client_as("practitioner")
    response = client.post_form(f"/directory/referrals/{referral.id}/refer", refer_form(service))
    assert "Choose a service from the directory" in response.get_data(as_text=True)
    page = client.get(f"/directory/service-referrals/{past.id}").get_data(as_text=True)
    assert "Service archived" in page and "Hackney Women" in page


def test_status_rules_are_enforced_by_the_model(referral, service, users):
    found = made(referral, service, users["practitioner"])
    with pytest.raises(ServiceReferralRefused, match="cannot become “engaged”"):
        found.change_status("engaged", TODAY, "", users["practitioner"])
    found.change_status("no_response", TODAY - dt.timedelta(days=5), "", users["practitioner"])
    found.change_status("accepted", TODAY, "Called back", users["practitioner"])
    with pytest.raises(ServiceReferralRefused, match="in the future"):
        found.change_status("engaged", TODAY + dt.timedelta(days=1), "", users["practitioner"])
    found.change_status("engaged", TODAY, "First session attended", users["practitioner"])
    with pytest.raises(ServiceReferralRefused, match="it is finished"):
        found.change_status("did_not_engage", TODAY, "", users["practitioner"])
    steps = [(u.from_status, u.status) for u in found.updates.order_by(ServiceReferralUpdate.id)]
    assert steps == [("made", "no_response"), ("no_response", "accepted"),
                     ("accepted", "engaged")]


def test_a_change_before_the_last_one_is_refused(referral, service, users):
    found = made(referral, service, users["practitioner"])
    with pytest.raises(ServiceReferralRefused, match="before the referral was sent"):
        found.change_status("accepted", found.sent_on - dt.timedelta(days=1), "", None)


def test_each_step_is_recorded_with_date_and_note_and_on_the_timeline(client_as, referral,
                                                                      service, users):
    found = made(referral, service, users["practitioner"])
    client = client_as("practitioner")
    url = f"/directory/service-referrals/{found.id}"
    client.post_form(url, {"status": "accepted", "changed_on": TODAY.isoformat(),
                           "note": "Assessment booked", "version": str(found.version)})
    client.post_form(url, {"status": "engaged", "changed_on": TODAY.isoformat(),
                           "note": "", "version": str(found.version + 1)})
    stored = ServiceReferral.get_by_id(found.id)
    assert stored.status == "engaged"
    summaries = [e.summary for e in TimelineEvent.select().order_by(TimelineEvent.id)]
    assert summaries == ["Hackney Women's Centre: accepted", "Hackney Women's Centre: engaged"]
    page = client.get(url).get_data(as_text=True)
    assert "Assessment booked" in page and "This referral is finished" in page


def test_a_disallowed_change_through_the_form_is_explained(client_as, referral, service, users):
    found = made(referral, service, users["practitioner"])
    response = client_as("practitioner").post_form(
        f"/directory/service-referrals/{found.id}",
        {"status": "engaged", "changed_on": TODAY.isoformat(), "version": str(found.version)})
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert ServiceReferral.get_by_id(found.id).status == "made"


def test_a_stale_status_form_is_refused(client_as, referral, service, users):
    found = made(referral, service, users["practitioner"])
    client = client_as("practitioner")
    url = f"/directory/service-referrals/{found.id}"
    client.post_form(url, {"status": "no_response", "changed_on": TODAY.isoformat(),
                           "version": str(found.version)})
    response = client.post_form(url, {"status": "accepted", "changed_on": TODAY.isoformat(),
                                      "version": str(found.version)})
    assert "Someone else updated this referral" in response.get_data(as_text=True)
    assert ServiceReferral.get_by_id(found.id).status == "no_response"


def test_overdue_follow_ups_are_listed_for_the_dashboard(referral, service, users, team_b):
    late = made(referral, service, users["practitioner"], follow_up_on=TODAY - dt.timedelta(days=1))
    made(referral, service, users["practitioner"], follow_up_on=TODAY + dt.timedelta(days=3))
    made(referral, service, users["practitioner"], follow_up_on=TODAY - dt.timedelta(days=9),
         status="engaged")
    other = make_referral(team=team_b)
    made(other, service, users["practitioner"], team=team_b.id,
         follow_up_on=TODAY - dt.timedelta(days=5))
    assert [s.id for s in overdue_service_referrals({referral.team_id})] == [late.id]
    assert len(list(overdue_service_referrals({referral.team_id, team_b.id}))) == 2
    # What the home page lists: the same referrals, oldest follow-up first, with service
    # and person, at most `limit` of them, and how many in all.
    both = {referral.team_id, team_b.id}
    rows, total = overdue_for_list(both, 1)
    assert total == 2 and [r.id for r in rows] == [overdue_service_referrals(both)[0].id]
    assert rows[0].service.name == service.name
    assert rows[0].referral.person.given_name == other.person.given_name
    rows, total = overdue_for_list({referral.team_id}, 20)
    assert (total, [r.id for r in rows]) == (1, [late.id])
    assert overdue_for_list({referral.team_id + team_b.id + 999}, 20) == ([], 0)


def test_managers_see_referrals_received_and_engaged_per_period(client_as, referral, service,
                                                                 users, team_b):
    made(referral, service, users["practitioner"], status="engaged")
    made(referral, service, users["practitioner"], sent_on=TODAY - dt.timedelta(days=200),
         status_on=TODAY - dt.timedelta(days=200))
    other = make_referral(team=team_b)
    made(other, service, users["practitioner"], team=team_b.id, status="engaged")
    figures = referral_figures(service, {referral.team_id})
    assert [(f["period"], f["made"], f["engaged"]) for f in figures] == [
        ("Last 3 months", 1, 1), ("Last 12 months", 2, 1), ("All time", 2, 1)]
    page = client_as("manager").get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    assert "Referrals from your teams" in page and "(50%)" in page
    assert "Referrals from your teams" not in client_as("practitioner").get(
        f"/directory/services/{service.uuid}").get_data(as_text=True)


def test_another_team_cannot_see_or_change_a_teams_service_referrals(app, referral, service,
                                                                     users, other_team_user):
    found = made(referral, service, users["practitioner"])
    outsider = app.test_client().sign_in(other_team_user)
    assert outsider.get(f"/directory/service-referrals/{found.id}").status_code == 404
    assert outsider.post_form(f"/directory/service-referrals/{found.id}", {
        "status": "accepted", "changed_on": TODAY.isoformat(),
        "version": str(found.version)}).status_code == 404
    assert outsider.get(f"/directory/referrals/{referral.id}/services").status_code == 404
    assert outsider.hx_get(f"/directory/referrals/{referral.id}/refer?q=x").status_code == 404
    assert outsider.post_form(f"/directory/referrals/{referral.id}/refer",
                              refer_form(service)).status_code == 404
    assert ServiceReferral.get_by_id(found.id).status == "made"
    assert ServiceReferral.select().count() == 1
    assert list(overdue_service_referrals({users["practitioner"].team_ids().pop() + 999})) == []


def test_trainers_cannot_refer(client_as, referral, service):
    assert client_as("trainer").get(f"/directory/referrals/{referral.id}/refer").status_code == 403


def test_the_referral_list_is_a_fragment_for_case_pages(client_as, referral, service, users):
    made(referral, service, users["practitioner"], follow_up_on=TODAY - dt.timedelta(days=1))
    part = client_as("practitioner").hx_get(f"/directory/referrals/{referral.id}/services")
    text = part.get_data(as_text=True)
    assert "<html" not in text and "Hackney Women" in text and "Overdue" in text


def test_case_pages_offer_the_referral_and_show_it_on_the_timeline(app, client_as, referral,
                                                                   service):
    from flask import url_for
    with app.test_request_context():
        referral_page = url_for("cases.referral", referral_id=referral.id)
        person_page = url_for("cases.detail", person_id=referral.person_id)
    client = client_as("practitioner")
    page = client.get(referral_page).get_data(as_text=True)
    assert f"/directory/referrals/{referral.id}/refer" in page and "Refer to a service" in page
    client.post_form(f"/directory/referrals/{referral.id}/refer", refer_form(service))
    found = ServiceReferral.get()
    person = client.get(person_page).get_data(as_text=True)  # its timeline is on this page
    assert "Referred to Hackney Women&#39;s Centre (email)" in person
    assert f"/directory/service-referrals/{found.id}" in person
    assert "Hackney Women" in client.get(referral_page).get_data(as_text=True)


def test_letters_get_the_service_referrals_of_a_case(referral, service, users):
    from blueprints.letters.catalogue import context_for
    made(referral, service, users["practitioner"], status="accepted")
    values = context_for(referral)["service_referrals"]
    assert values == [{"service": "Hackney Women's Centre", "organisation": "Test Charity",
                       "referred_on": values[0]["referred_on"], "status": "Accepted"}]


def test_the_service_referral_page_links_to_a_letter(client_as, referral, service, users):
    found = made(referral, service, users["practitioner"])
    page = client_as("practitioner").get(f"/directory/service-referrals/{found.id}")
    assert f"/letters/referrals/{referral.id}/new" in page.get_data(as_text=True)
