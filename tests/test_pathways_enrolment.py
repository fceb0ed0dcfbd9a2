"""Enrolling a woman on a pathway: eligibility and a manager's override, the driver cap,
the session limit, goals, discharge and the roadmap, and who may see what."""
import datetime as dt
import hashlib
import io
import re

import pytest
from docx import Document

from models.audit import AuditEvent
from models.files import read_bytes
from models.letters import GeneratedDocument
from models.pathways import Enrolment, EnrolmentDriver, Goal, PathwaySession, RoadmapLink
from models.timeline import TimelineEvent
from tests.factories import make_user
from tests.pathways_factories import make_programme, make_woman_referral


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one a line."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def enrol_data(programme, answers=("yes", "yes", "yes"), drivers=("housing",), **extra):
    data = {"programme": str(programme.id), "drivers": list(drivers)}
    data.update({f"criterion_{n}": a for n, a in enumerate(answers)})
    data.update(extra)
    return data


def enrol(client, referral, programme, **kwargs):
    return client.post_form(f"/pathways/enrol/{referral.id}", enrol_data(programme, **kwargs))


@pytest.fixture
def sar(app):
    return make_programme("sar")


@pytest.fixture
def referral(team_a):
    return make_woman_referral(team_a, given_name="Amara", family_name="Okafor")


def make_enrolment(client, referral, programme, drivers=("housing",)) -> Enrolment:
    response = enrol(client, referral, programme, drivers=drivers)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return Enrolment.get(Enrolment.referral == referral.id)


def test_practitioner_enrols_an_eligible_woman_with_answers_recorded(client_as, referral, sar):
    client = client_as("practitioner")
    page = client.get(f"/pathways/enrol/{referral.id}?programme={sar.id}").get_data(as_text=True)
    assert "A community sentence is being considered" in page
    response = enrol(client, referral, sar, drivers=("housing", "finances_debt"))
    assert response.status_code in (302, 303)
    enrolment = Enrolment.get(Enrolment.referral == referral.id)
    assert enrolment.eligible and enrolment.override_by_id is None
    assert [a for _, a in enrolment.answers] == [True, True, True]
    assert sorted(enrolment.driver_keys()) == ["finances_debt", "housing"]
    assert TimelineEvent.get(TimelineEvent.referral == referral.id).summary.startswith(
        "Enrolled on Specified Activity Requirement")
    assert AuditEvent.select().where(AuditEvent.action == "pathways.enrolled").count() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 attended, 0 booked, 8 left of 8" in page


def test_practitioner_cannot_enrol_an_ineligible_woman(client_as, referral, sar):
    response = enrol(client_as("practitioner"), referral, sar, answers=("yes", "no", "yes"))
    assert response.status_code == 200
    assert "A manager can enrol her anyway, with a reason" in response.get_data(as_text=True)
    assert Enrolment.select().count() == 0


def test_manager_override_needs_a_reason_and_is_recorded(client_as, referral, sar, users):
    client = client_as("manager")
    page = client.get(f"/pathways/enrol/{referral.id}?programme={sar.id}").get_data(as_text=True)
    assert "Reason for enrolling her anyway" in page
    response = enrol(client, referral, sar, answers=("yes", "no", "yes"))
    assert "Give the reason for enrolling her" in response.get_data(as_text=True)
    assert Enrolment.select().count() == 0
    response = enrol(client, referral, sar, answers=("yes", "no", "yes"),
                     override_reason="Supervision is 5 months but the court asked for SAR.")
    assert response.status_code in (302, 303)
    enrolment = Enrolment.get()
    assert not enrolment.eligible and enrolment.override_by_id == users["manager"].id
    assert "court asked for SAR" in enrolment.override_reason
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No: Supervision of at least 6 months is proposed" in page
    assert "court asked for SAR" in page


def test_every_eligibility_question_must_be_answered(client_as, referral, sar):
    response = enrol(client_as("practitioner"), referral, sar, answers=("yes",))
    body = response.get_data(as_text=True)
    assert "Answer: Supervision of at least 6 months is proposed" in body
    assert Enrolment.select().count() == 0


def test_driver_cap_is_enforced_on_enrolment_with_a_clear_message(client_as, referral, sar):
    response = enrol(client_as("practitioner"), referral, sar,
                     drivers=("housing", "finances_debt", "relationships", "substance_use"))
    body = response.get_data(as_text=True)
    assert "works on up to 3 drivers of offending: you chose 4" in body
    assert Enrolment.select().count() == 0 and EnrolmentDriver.select().count() == 0


def test_driver_cap_is_enforced_when_adding_a_driver(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar,
                               drivers=("housing", "finances_debt", "relationships"))
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/drivers",
                                {"driver": "substance_use"})
    assert response.status_code == 200
    assert "works on up to 3 drivers of offending. Remove one before adding another" in \
        response.get_data(as_text=True)
    assert len(enrolment.driver_keys()) == 3
    client.post_form(f"/pathways/enrolments/{enrolment.id}/drivers/relationships/remove")
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/drivers",
                                {"driver": "substance_use"})
    assert response.status_code in (302, 303)
    assert sorted(enrolment.driver_keys()) == ["finances_debt", "housing", "substance_use"]


def test_unknown_driver_is_refused(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/drivers",
                                {"driver": "'; DROP TABLE enrolment; --"})
    assert "Not a valid choice" in response.get_data(as_text=True) or \
        "Choose" in response.get_data(as_text=True)
    assert enrolment.driver_keys() == ["housing"]


def add_session(client, enrolment, status="attended", day="2026-03-02", **extra):
    data = {"planned_on": day, "status": status, "notes": "Talked about her tenancy."}
    data.update(extra)
    return client.post_form(f"/pathways/enrolments/{enrolment.id}/sessions", data)


def test_ninth_sar_session_is_refused_and_sessions_left_are_shown(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    for n in range(7):
        assert add_session(client, enrolment, day=f"2026-03-{n + 1:02d}").status_code in (302, 303)
    # A session she did not attend does not use one of her eight.
    assert add_session(client, enrolment, status="did_not_attend",
                       day="2026-03-10").status_code in (302, 303)
    assert add_session(client, enrolment, status="planned", day="2026-03-12").status_code in (302, 303)
    page = client.get(f"/pathways/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "7 attended, 1 booked, 0 left of 8" in page
    assert "Did not attend" in page and "Failed" not in page
    response = add_session(client, enrolment, day="2026-03-20")
    assert response.status_code == 200
    assert "has up to 8 sessions and all 8 are booked or attended" in response.get_data(as_text=True)
    assert PathwaySession.select().count() == 9
    # Marking the missed session as attended would be a ninth: refused too.
    missed = PathwaySession.get(PathwaySession.status == "did_not_attend")
    response = client.post_form(f"/pathways/sessions/{missed.id}", {
        "planned_on": "2026-03-10", "status": "attended", "version": str(missed.version)})
    assert "all 8 are booked or attended" in response.get_data(as_text=True)
    assert PathwaySession.get_by_id(missed.id).status == "did_not_attend"


def test_session_progress_per_driver_and_timeline_entry(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar, drivers=("housing", "mental_health"))
    today = dt.date.today()
    response = add_session(client, enrolment, day=today.isoformat(),
                           progress_housing="good_progress",
                           note_housing="Viewed a flat", progress_mental_health="")
    assert response.status_code in (302, 303)
    session = PathwaySession.get()
    assert [(p.driver, p.level, p.note) for p in session.progress] == [
        ("housing", "good_progress", "Viewed a flat")]
    events = [e.summary for e in TimelineEvent.select().order_by(TimelineEvent.id)]
    assert events[-1] == ("Specified Activity Requirement (SAR) session on "
                          f"{today:%d %b %Y}: attended")
    assert Enrolment.get_by_id(enrolment.id).last_contact_on == today
    page = client.get(f"/pathways/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "Housing: good progress (Viewed a flat)" in page


def test_session_form_refuses_bad_input_and_saves_nothing(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    for data, message in [
        ({"planned_on": "not a date", "status": "attended"}, "Enter a real date"),
        ({"planned_on": "2026-03-02", "status": "failed"}, "Not a valid choice"),
        ({"planned_on": "2026-03-02", "status": "attended", "notes": "x" * 5001},
         "Notes must be 5000 characters or fewer"),
        ({"planned_on": "2026-03-02", "status": "attended", "notes": "bad\x00byte"},
         "must not contain control characters"),
    ]:
        response = client.post_form(f"/pathways/enrolments/{enrolment.id}/sessions", data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    assert PathwaySession.select().count() == 0


def test_notes_with_markup_are_shown_as_text(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    add_session(client, enrolment, notes="<script>alert(1)</script> ../../etc/passwd")
    page = client.get(f"/pathways/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_goals_per_driver_with_status(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/goals",
                                {"driver": "trauma_abuse", "text": "Not one of hers"})
    assert "Not a valid choice" in response.get_data(as_text=True)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/goals",
                                {"driver": "housing", "text": "Bid for a council flat"})
    assert response.status_code in (302, 303)
    goal = Goal.get()
    assert goal.status == "not_started"
    response = client.post_form(f"/pathways/goals/{goal.id}",
                                {"status": "achieved", "version": str(goal.version)})
    assert response.status_code in (302, 303)
    assert Goal.get_by_id(goal.id).status == "achieved"
    # The same stale form again is refused, not applied.
    response = client.post_form(f"/pathways/goals/{goal.id}",
                                {"status": "in_progress", "version": str(goal.version)})
    assert "Someone else changed this goal first" in response.get_data(as_text=True)
    assert Goal.get_by_id(goal.id).status == "achieved"


def test_discharge_with_a_roadmap_printable_and_as_docx(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    client.post_form(f"/pathways/enrolments/{enrolment.id}/goals",
                     {"driver": "housing", "text": "Move into her own flat"})
    for category, name in [("college", "Hackney Community College – ESOL"),
                           ("childcare", "Clapton Children's Centre"),
                           ("support", "Hackney Women's Centre")]:
        response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap",
                                    {"category": category, "name": name,
                                     "details": "Drop in on Tuesdays"})
        assert response.status_code in (302, 303)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap",
                                {"category": "housing", "name": ""})
    assert "Choose a service from the directory or write its name" in \
        response.get_data(as_text=True)
    assert RoadmapLink.select().count() == 3

    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/discharge",
                                {"summary": "", "version": str(enrolment.version)})
    assert "Write a short summary for her roadmap" in response.get_data(as_text=True)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/discharge",
                                {"summary": "She finished all her sessions.",
                                 "version": str(Enrolment.get_by_id(enrolment.id).version)})
    assert response.status_code in (302, 303)
    assert Enrolment.get_by_id(enrolment.id).status == "discharged"
    assert TimelineEvent.select().where(TimelineEvent.kind == "pathway_discharge").count() == 1

    page = client.get(f"/pathways/enrolments/{enrolment.id}/roadmap").get_data(as_text=True)
    assert "Amara's roadmap" in page and "Clapton Children&#39;s Centre" in page

    # Making the Word document keeps it on her referral, like a court letter.
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    assert response.status_code in (302, 303)
    document = GeneratedDocument.get(GeneratedDocument.referral == referral.id)
    assert response.headers["Location"].endswith(f"/letters/documents/{document.id}")
    assert document.template_version.template.purpose == "discharge_roadmap"
    assert document.author.role == "practitioner"
    assert document.file_name.startswith("Amara Okafor - Discharge roadmap - ")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert document.sha256 in page and "This roadmap is kept on the case" in page
    download = client.get(f"/letters/documents/{document.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(download.data).hexdigest() == document.sha256
    assert download.data == read_bytes(document.file)
    assert AuditEvent.select().where(
        (AuditEvent.action == "letters.document_downloaded")
        & (AuditEvent.object_id == str(document.id))).count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "pathways.roadmap_kept").count() == 1
    text = docx_text(download.data)
    # The letters' default "discharge roadmap" template, filled in.
    assert "My discharge roadmap" in text and "Amara Okafor" in text
    assert "Specified Activity Requirement (SAR)" in text
    assert "Hackney Community College – ESOL: Drop in on Tuesdays (College)" in text
    assert "Clapton Children's Centre: Drop in on Tuesdays (Childcare)" in text
    assert "Move into her own flat" in text and "Not started yet" in text
    assert "She finished all her sessions." in text
    assert "{{" not in text and "{%" not in text
    # On the timeline and with the referral's letters, and listed on her roadmap page.
    event = TimelineEvent.get((TimelineEvent.referral == referral.id)
                              & (TimelineEvent.kind == "letter"))
    assert event.summary == "Letter written: Discharge roadmap (version 1)"
    assert event.link_id == str(document.id)
    referral_page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f'/letters/documents/{document.id}">Discharge roadmap</a>' in referral_page
    page = client.get(f"/pathways/enrolments/{enrolment.id}/roadmap").get_data(as_text=True)
    assert f"/letters/documents/{document.id}" in page
    # Making it again keeps a second document; the first is never changed.
    client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    assert GeneratedDocument.select().count() == 2
    assert GeneratedDocument.get_by_id(document.id).sha256 == document.sha256

    # Without the letters part, a plain document says the same.
    from blueprints.pathways.roadmap_docx import render_plain_docx
    plain = docx_text(render_plain_docx(Enrolment.get_by_id(enrolment.id)))
    assert "Amara's roadmap" in plain
    assert "Hackney Community College – ESOL — Drop in on Tuesdays" in plain
    assert "Move into her own flat (Housing: not started yet)" in plain

    # A discharged enrolment takes no more sessions.
    response = add_session(client, enrolment)
    assert "she was discharged" in response.get_data(as_text=True)


def discharged_with_links(client, referral, sar, links, summary) -> Enrolment:
    enrolment = make_enrolment(client, referral, sar)
    for category, name, details in links:
        response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap",
                                    {"category": category, "name": name, "details": details})
        assert response.status_code in (302, 303), response.get_data(as_text=True)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/discharge",
                                {"summary": summary,
                                 "version": str(Enrolment.get_by_id(enrolment.id).version)})
    assert response.status_code in (302, 303)
    return enrolment


def test_other_team_cannot_fetch_her_kept_roadmap(app, client_as, referral, sar,
                                                 other_team_user):
    client = client_as("practitioner")
    enrolment = discharged_with_links(client, referral, sar,
                                      [("support", "Hackney Women's Centre", "")],
                                      "She finished.")
    client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    document = GeneratedDocument.get()
    other = app.test_client().sign_in(other_team_user)
    for url in [f"/letters/documents/{document.id}",
                f"/letters/documents/{document.id}/download"]:
        assert other.get(url).status_code == 404, url
    assert not AuditEvent.select().where(
        (AuditEvent.action == "letters.document_downloaded")).exists()


HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} </w:t><w:t>&amp;"


def test_hostile_roadmap_text_is_kept_as_text(client_as, referral, sar):
    client = client_as("practitioner")
    enrolment = discharged_with_links(
        client, referral, sar, [("college", HOSTILE, HOSTILE), ("housing", "Hackney Homes", "")],
        "Summary " + HOSTILE)
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    assert response.status_code in (302, 303)
    document = GeneratedDocument.get()
    data = client.get(f"/letters/documents/{document.id}/download").data
    text = docx_text(data)  # the document opens: the XML was not broken
    assert "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} </w:t><w:t>&amp;" in text
    # 7*7 was never worked out (a lone 49; numbers inside e-mail addresses don't count).
    assert re.search(r"(?<!\d)49(?!\d)", text) is None
    import zipfile
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<script>" not in body and "&lt;script&gt;" in body
    # On the printable page and the kept document's page, it is text too.
    for url in [f"/pathways/enrolments/{enrolment.id}/roadmap",
                f"/pathways/enrolments/{enrolment.id}",
                f"/letters/documents/{document.id}"]:
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page, url
    page = client.get(f"/pathways/enrolments/{enrolment.id}/roadmap").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page


def test_other_team_cannot_see_or_change_an_enrolment(app, client_as, referral, sar,
                                                      other_team_user):
    enrolment = make_enrolment(client_as("practitioner"), referral, sar)
    other = app.test_client().sign_in(other_team_user)
    for url in [f"/pathways/enrolments/{enrolment.id}", f"/pathways/enrol/{referral.id}",
                f"/pathways/enrolments/{enrolment.id}/roadmap"]:
        assert other.get(url).status_code == 404, url
    response = other.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    assert response.status_code == 404
    assert GeneratedDocument.select().count() == 0
    response = other.post_form(f"/pathways/enrolments/{enrolment.id}/sessions",
                               {"planned_on": "2026-03-02", "status": "attended"})
    assert response.status_code == 404
    assert PathwaySession.select().count() == 0
    page = other.get(f"/pathways/{sar.id}/caseload").get_data(as_text=True)
    assert "Okafor" not in page


def test_caseload_filters(client_as, team_a, sar):
    client = client_as("practitioner")
    first = make_enrolment(client, make_woman_referral(team_a, family_name="Adeyemi"), sar,
                           drivers=("housing",))
    make_enrolment(client, make_woman_referral(team_a, family_name="Brennan"), sar,
                   drivers=("substance_use",))
    add_session(client, first, status="planned", day="2099-01-05")
    page = client.get(f"/pathways/{sar.id}/caseload").get_data(as_text=True)
    assert "Adeyemi" in page and "Brennan" in page and "5 Jan 2099" in page
    page = client.hx_get(f"/pathways/{sar.id}/caseload?driver=substance_use").get_data(as_text=True)
    assert "Brennan" in page and "Adeyemi" not in page and "<html" not in page
    page = client.get(f"/pathways/{sar.id}/caseload?q=adey").get_data(as_text=True)
    assert "Adeyemi" in page and "Brennan" not in page
    page = client.get(f"/pathways/{sar.id}/caseload?quiet=14").get_data(as_text=True)
    assert "No one matches these filters" in page
    page = client.get(f"/pathways/{sar.id}/caseload?worker=me&status=all").get_data(as_text=True)
    assert "Adeyemi" in page


def test_manager_edits_a_programme_and_a_stale_edit_is_refused(client_as, sar):
    client = client_as("manager")
    data = {"name": sar.name, "eligibility": "One\nTwo", "session_limit": "6",
            "driver_cap": "2", "active": "y", "women_only": "y", "version": str(sar.version)}
    assert client.post_form(f"/pathways/programmes/{sar.id}", data).status_code in (302, 303)
    assert make_programme("sar").criteria == ["One", "Two"]
    response = client.post_form(f"/pathways/programmes/{sar.id}", dict(data, session_limit="5"))
    assert "Someone else changed this programme" in response.get_data(as_text=True)
    assert make_programme("sar").session_limit == 6
    response = client.post_form(f"/pathways/programmes/{sar.id}",
                                dict(data, session_limit="eight", version="2"))
    assert "Enter the most sessions as a number, like 8" in response.get_data(as_text=True)
    assert client_as("practitioner").get(f"/pathways/programmes/{sar.id}").status_code == 403


@pytest.mark.parametrize("version", ["\x7f", ":", "1.5", "-1", "٣", "9" * 40, "<script>"])
def test_a_garbled_version_is_refused_as_stale_not_a_server_error(client_as, sar, version):
    client = client_as("manager")
    data = {"name": "Renamed", "eligibility": "One", "session_limit": "6", "driver_cap": "2",
            "active": "y", "women_only": "y", "version": version}
    response = client.post_form(f"/pathways/programmes/{sar.id}", data)
    assert response.status_code == 200
    assert "Someone else changed this programme" in response.get_data(as_text=True)
    assert make_programme("sar").name == sar.name


def test_new_programme_is_listed(client_as):
    client = client_as("manager")
    response = client.post_form("/pathways/programmes/new", {
        "name": "Family Ties", "eligibility": "She has children", "active": "y"})
    assert response.status_code in (302, 303)
    assert "Family Ties" in client.get("/pathways/").get_data(as_text=True)


def test_closed_referral_cannot_be_enrolled(client_as, team_a, sar):
    referral = make_woman_referral(team_a)
    referral.status = "closed"
    referral.outcome = "nfa"
    referral.save()
    response = enrol(client_as("practitioner"), referral, sar)
    assert "This referral is closed" in response.get_data(as_text=True)


def test_trainer_cannot_use_pathways(client_as, referral):
    assert client_as("trainer").get("/pathways/").status_code == 403
    assert client_as("trainer").get(f"/pathways/enrol/{referral.id}").status_code == 403


def test_worker_must_be_in_the_referral_team(client_as, referral, sar, team_b):
    outsider = make_user("practitioner", [team_b])
    response = enrol(client_as("practitioner"), referral, sar, worker=str(outsider.id))
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert Enrolment.select().count() == 0


def test_enrol_starts_from_a_referral_number(client_as, referral, other_team_user, app):
    client = client_as("practitioner")
    response = client.get(f"/pathways/enrol?referral={referral.id}")
    assert response.headers["Location"].endswith(f"/pathways/enrol/{referral.id}")
    assert client.get("/pathways/enrol?referral=abc").headers["Location"].endswith("/pathways/")
    other = app.test_client().sign_in(other_team_user)
    assert other.get(f"/pathways/enrol?referral={referral.id}").status_code == 404


def test_override_reason_length_and_markup(client_as, referral, sar):
    client = client_as("manager")
    response = enrol(client, referral, sar, answers=("no", "no", "no"),
                     override_reason="x" * 1001)
    assert "1000 characters or fewer" in response.get_data(as_text=True)
    response = enrol(client, referral, sar, answers=("no", "no", "no"),
                     override_reason="<script>alert('x')</script> ' OR 1=1 --")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_person_page_lists_her_pathways_and_export_includes_them(client_as, referral, sar):
    import json
    client = client_as("practitioner")
    enrolment = make_enrolment(client, referral, sar)
    add_session(client, enrolment, notes="Spoke about her tenancy.")
    page = client.get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert f"/pathways/enrolments/{enrolment.id}" in page
    response = client_as("manager").get(f"/people/{referral.person_id}/export.json")
    data = json.loads(response.data)
    pathways = data["other_records"]["Pathways"]
    assert pathways[0]["programme"] == "Specified Activity Requirement (SAR)"
    assert pathways[0]["sessions"][0]["notes"] == "Spoke about her tenancy."
    assert pathways[0]["drivers"] == ["Housing"]


def test_a_roadmap_template_that_cannot_be_filled_keeps_nothing(client_as, referral, sar,
                                                                monkeypatch):
    from blueprints.letters import engine, generate

    def broken(version, context):
        raise engine.RenderProblem("The template could not be filled in: unexpected '}'.")
    monkeypatch.setattr(generate, "render_version", broken)
    client = client_as("practitioner")
    enrolment = discharged_with_links(client, referral, sar, [("support", "Hackney", "")],
                                      "She finished.")
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap.docx")
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The roadmap could not be made" in page and "Ask a manager" in page
    assert GeneratedDocument.select().count() == 0
    assert not TimelineEvent.select().where(TimelineEvent.kind == "letter").exists()
    assert not AuditEvent.select().where(AuditEvent.action == "pathways.roadmap_kept").exists()
