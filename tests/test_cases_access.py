"""Another team's records are a 404 on every case-work route that names one (pages,
fragments, forms, downloads), for every caseworker role, and nothing is written."""
import pytest

from models.audit import AuditEvent
from models.follow_ups import FollowUp
from models.needs import NeedsAssessment
from models.notes import CaseNote
from models.people import Hearing, Referral
from tests.factories import make_hearing, make_person, make_referral, make_user


@pytest.fixture
def their_records(app, team_b):
    author = make_user("practitioner", [team_b])
    referral = make_referral(make_person(), team_b)
    note = CaseNote.create(person=referral.person_id, referral=referral, team=team_b,
                           author=author, note_type="contact", body="Their note")
    assessment = NeedsAssessment.create(referral=referral, person=referral.person_id,
                                        team=team_b, assessed_by=author)
    follow_up = FollowUp.create(referral=referral, person=referral.person_id, team=team_b,
                                due_date="2026-12-01", what="x", assigned_to=author,
                                created_by=author)
    hearing = make_hearing(referral)
    return {"person_id": referral.person_id, "referral_id": referral.id, "note_id": note.id,
            "assessment_id": assessment.id, "follow_up_id": follow_up.id,
            "hearing_id": hearing.id, "fmt": "json"}


def case_routes(app, values):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("cases.") or not rule.arguments:
            continue
        url = adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.mark.parametrize("role", ["practitioner", "coordinator", "manager"])
def test_another_teams_records_are_404_everywhere(app, client_as, their_records, role):
    client = client_as(role)
    audit_before = AuditEvent.select().count()
    checked = set()
    for endpoint, method, url in case_routes(app, their_records):
        if endpoint == "cases.export" and role != "manager":
            continue  # a wrong role is 403 before any lookup (see test_access_routes)
        for htmx in (False, True):
            if method == "GET":
                response = client.hx_get(url) if htmx else client.get(url)
            else:
                response = client.post_form(url, {"body": "x", "reason": "y", "kind": "share",
                                                  "team": "1", "version": "1"}, htmx=htmx)
            assert response.status_code == 404, (role, endpoint, method, htmx,
                                                 response.status_code)
        checked.add(endpoint)
    assert len(checked) == (23 if role == "manager" else 22), sorted(checked)
    assert AuditEvent.select().count() == audit_before
    assert CaseNote.get().body == "Their note"
    assert Referral.get().status == "open"
    assert Hearing.get().version == 1 and not Hearing.get().is_vacated
    assert FollowUp.get().version == 1


def test_exact_ids_outside_my_teams_are_not_found_by_search(client_as, their_records):
    page = client_as("practitioner").get("/people/notes?q=their").get_data(as_text=True)
    assert "Their note" not in page
