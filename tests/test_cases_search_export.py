"""Searching case notes (only those the user may read, highlighted) and the subject access
export (managers only, JSON and Word, logged)."""
import datetime as dt
import io
import json

from docx import Document

from models.audit import AuditEvent
from tests.factories import make_note, make_person, make_referral


def test_search_finds_my_notes_highlighted_and_hides_others(client_as, team_a, team_b, users,
                                                            other_team_user):
    mine = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    theirs = make_referral(make_person(given_name="Other", family_name="Person"), team_b)
    make_note(mine, users["practitioner"], "Housing officer <called> about the hostel place")
    make_note(mine, users["practitioner"], "Hostel safeguarding concern", note_type="safeguarding")
    make_note(theirs, other_team_user, "Hostel in another borough")
    client = client_as("practitioner")
    page = client.hx_get("/people/notes?q=hostel").get_data(as_text=True)
    assert "<html" not in page
    assert "Ayo Bello" in page and "Other Person" not in page
    assert "<mark>hostel</mark>" in page and "&lt;called&gt;" in page
    assert "<mark>Hostel</mark> safeguarding concern" in page  # my own team's
    assert "<mark>Housing</mark> <mark>officer</mark>" in client.get(
        "/people/notes?q=hous offic").get_data(as_text=True)
    assert "No notes you may read match" in client.get("/people/notes?q=hostel+zebra").get_data(
        as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == "note.searched").count() == 3


def test_search_finds_words_whatever_their_accents(client_as, team_a, users):
    """"cafe" finds "café" and "café" finds "cafe", on both databases, and an accent written
    as a separate character ("e" + U+0301) is folded as well."""
    referral = make_referral(make_person(given_name="Zoë", family_name="Núñez"), team_a)
    make_note(referral, users["practitioner"], "Met Zoë at the café by the station")
    make_note(referral, users["practitioner"], "Cafe\u0301 closed; spoke to Jose\u0301 instead")
    make_note(referral, users["practitioner"], "Nothing about that here")
    client = client_as("practitioner")

    def found(q):
        page = client.get("/people/notes", query_string={"q": q}).get_data(as_text=True)
        return page.split('id="note-results"')[1].count('<li class="nhsuk-card')

    assert [found(q) for q in ("cafe", "café", "CAFÉ", "zoe", "zoë station", "jose",
                               "josé", "cafeteria")] == [2, 2, 2, 1, 1, 1, 1, 0]
    # Vietnamese letters fold too; Cyrillic and Greek are found as written (neither
    # database folds them), and characters that fold into several are harmless.
    make_note(referral, users["practitioner"], "Spoke with Mr Nguyễn; interpreter for "
              "Сергей; Έλενα called")
    assert [found(q) for q in ("nguyen", "Nguyễn", "Сергей", "сергей", "Έλενα")] == [1] * 5
    for q in ("⑴", "ﷺ", "ͺ", "housing ⑵", "ﬁne"):
        assert client.get("/people/notes", query_string={"q": q}).status_code == 200, q


def test_search_never_shows_another_teams_safeguarding_notes(client_as, app, team_a, team_b,
                                                             users, other_team_user):
    from models.people import ReferralShare
    referral = make_referral(team=team_a)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    make_note(referral, users["practitioner"], "Disclosure about the partner",
            note_type="safeguarding")
    make_note(referral, users["practitioner"], "Partner attended court")
    other = app.test_client().sign_in(other_team_user)
    page = other.get("/people/notes?q=partner").get_data(as_text=True)
    assert "attended court" in page and "Disclosure" not in page


def test_searches_of_people_and_notes_leave_nothing_in_the_browser_history(client_as):
    """As-you-type searching pushed each entry into the address bar, and so into the
    history of a shared court computer: names, dates of birth, NHS numbers."""
    client = client_as("practitioner")
    for url, box in (("/people", 'id="person-search"'), ("/people/notes", 'id="note-search"')):
        page = client.get(url).get_data(as_text=True)
        search_box = page.split(box)[1].split(">")[0]
        assert "hx-get" in search_box and "hx-push-url" not in search_box, url


def test_hostile_search_input_is_harmless(client_as, team_a, users):
    make_note(make_referral(team=team_a), users["practitioner"], "ordinary note")
    client = client_as("practitioner")
    for q in ['"', "' OR 1=1 --", "NEAR(a b)", "*", "../../etc/passwd", "<script>", "x" * 500]:
        response = client.get("/people/notes", query_string={"q": q})
        assert response.status_code == 200, q
        assert "<script>" not in response.get_data(as_text=True).split('id="note-results"')[1]


def test_manager_exports_everything_held_on_a_person(client_as, team_a, team_b, users,
                                                     other_team_user):
    person = make_person(given_name="Nia", family_name="Campbell", nhs_number="9434765919")
    referral = make_referral(person, team_a)
    note = make_note(referral, users["practitioner"], "First contact\nin custody")
    from models.notes import CaseNoteAmendment
    CaseNoteAmendment.create(note=note, previous_body="First contakt", new_body=note.body,
                             reason="typo", amended_by=users["practitioner"])
    make_note(make_referral(person, team_b), other_team_user, "Probation note")
    client = client_as("manager")
    response = client.get(f"/people/{person.id}/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data())
    assert data["person"]["nhs_number"] == "943 476 5919"
    texts = [n["text"] for n in data["case_notes"]]
    assert texts == ["First contact\nin custody", "Probation note"]
    assert data["case_notes"][0]["amendments"][0]["previous_text"] == "First contakt"
    assert len(data["referrals"]) == 2
    docx = client.get(f"/people/{person.id}/export.docx")
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.get_data()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Nia" in text and "First contact\nin custody" in text and "Probation note" in text
    exports = AuditEvent.select().where(AuditEvent.action == "person.exported")
    assert [e.detail for e in exports] == ["subject access export as json",
                                          "subject access export as docx"]


def test_text_no_document_may_hold_does_not_stop_the_word_export(client_as, team_a, users):
    """A note stored before the forms refused U+FFFF still exports: the character shows
    as U+FFFD instead of the whole document failing."""
    person = make_person(given_name="Nia", family_name="Campbell")
    make_note(make_referral(person, team_a), users["practitioner"], "Seen\uffff today\x0b")
    response = client_as("manager").get(f"/people/{person.id}/export.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.get_data()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Seen\ufffd today\ufffd" in cells


def test_only_managers_export_and_only_people_they_can_see(client_as, team_b):
    person = make_referral(team=team_b).person
    assert client_as("practitioner").get(f"/people/{person.id}/export.json").status_code == 403
    assert client_as("manager").get(f"/people/{person.id}/export.json").status_code == 404
    assert client_as("manager").get(f"/people/{person.id}/export.pdf").status_code == 404
    assert AuditEvent.select().where(AuditEvent.action == "person.exported").count() == 0


def test_managers_see_who_has_accessed_a_record(client_as, team_a, users):
    person = make_referral(team=team_a).person
    client_as("practitioner").get(f"/people/{person.id}")
    manager_page = client_as("manager").get(f"/people/{person.id}").get_data(as_text=True)
    assert "Who has accessed this record" in manager_page
    log = manager_page.split('id="access-log"')[1].split("</ul>")[0]
    assert users["practitioner"].name in log
    practitioner_page = client_as("practitioner").get(f"/people/{person.id}").get_data(as_text=True)
    assert "Who has accessed this record" not in practitioner_page


def test_a_long_access_list_says_it_is_the_latest_and_long_follow_ups_say_so(
        client_as, team_a, users, monkeypatch):
    """Lists cut short say so, rather than passing the first rows off as all of them."""
    from blueprints.cases import routes
    from models.follow_ups import FollowUp
    from tests.factories import make_user
    monkeypatch.setattr(routes, "ACCESS_LOG_ROWS", 3)
    monkeypatch.setattr(routes, "PERSON_FOLLOW_UPS", 2)
    referral = make_referral(team=team_a)
    person = referral.person
    for n in range(4):
        AuditEvent.record("person.viewed", actor=make_user("practitioner", [team_a]).id,
                          person_id=person.id)
    for n in range(3):
        FollowUp.create(referral=referral, person=person.id, team=team_a, what=f"Task {n}",
                        due_date=dt.date(2026, 12, 1 + n), assigned_to=users["manager"],
                        created_by=users["manager"])
    page = client_as("manager").get(f"/people/{person.id}").get_data(as_text=True)
    assert "More than 3 people" in page and "most recently" in page
    assert page.split('id="access-log"')[1].split("</ul>")[0].count("<li>") == 3
    assert "Task 0" in page and "Task 1" in page and "Task 2" not in page
    assert "These are the 2 due soonest" in page


def test_note_index_has_prefix_indexes_on_sqlite(app):
    from models.base import db, is_sqlite
    if not is_sqlite():
        return  # PostgreSQL's GIN index needs none
    sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'case_note_fts'").fetchone()[0]
    assert "prefix='2 3 4 5 6 7'" in sql


def test_a_search_result_opens_the_timeline_at_that_note(client_as, team_a, users):
    """The note found may be far down the timeline: its link opens the timeline at it."""
    referral = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    old = make_note(referral, users["practitioner"], "Hostel place offered in Hackney")
    for n in range(25):
        make_note(referral, users["practitioner"], f"Later contact {n}")
    client = client_as("practitioner")
    page = client.get("/people/notes?q=hostel").get_data(as_text=True)
    link = page.split('id="note-results"')[1].split('<a href="')[1].split('"')[0]
    link = link.replace("&amp;", "&")
    assert link.startswith(f"/people/{referral.person_id}/timeline?before=")
    assert link.endswith(f"#note-{old.id}")
    shown = client.get(link.split("#")[0]).get_data(as_text=True)
    entries = shown.split('id="timeline-entries"')[1]
    assert entries.index("Hostel place offered") < entries.index("</ol>")
    assert "Later contact" not in entries  # the newer ones are on the person page
    assert f'id="note-{old.id}"' in entries
