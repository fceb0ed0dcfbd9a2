"""Training sessions: the register, CSV import and export, and team separation."""
from __future__ import annotations

import csv
import io

import pytest

from blueprints.library.registers import neutralise, parse_register
from models.audit import AuditEvent
from models.library import Attendee, Handout, TrainingSession
from tests.factories import make_user
from tests.library_data import make_guide, make_link, make_session

SESSION_FORM = {"title": "Dual diagnosis for probation officers", "date": "2026-04-02",
                "venue": "Hackney probation office", "trainers": "Jo Trainer, Sam Lee",
                "organisation": "Hackney Probation Delivery Unit", "topics": ["dual_diagnosis"]}


def csv_upload(client, session, text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post_form(f"/library/sessions/{session.id}/import",
                            {"file": (io.BytesIO(data), "register.csv")},
                            content_type="multipart/form-data")


def test_trainer_records_a_session_with_guides_handed_out(client_as, users, team_a):
    guide = make_guide(users["trainer"])
    version = guide.current_version()
    form = dict(SESSION_FORM, team=str(team_a.id), handouts=[str(version.id)])
    response = client_as("trainer").post_form("/library/sessions/new", form)
    assert response.status_code == 302
    session = TrainingSession.get()
    assert (session.team_id, session.organisation) == (team_a.id, "Hackney Probation Delivery Unit")
    assert [h.guide_version_id for h in Handout.select()] == [version.id]
    page = client_as("manager").get(f"/library/sessions/{session.id}").get_data(as_text=True)
    assert "Common sense approach" in page and "Jo Trainer, Sam Lee" in page
    assert AuditEvent.select().where(AuditEvent.action == "library.session_viewed").count() == 1


def test_a_session_cannot_be_put_in_another_team(client_as, team_b):
    form = dict(SESSION_FORM, team=str(team_b.id))
    response = client_as("trainer").post_form("/library/sessions/new", form)
    assert "Not a valid choice" in response.get_data(as_text=True) or response.status_code == 404
    assert TrainingSession.select().count() == 0


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter the session&#39;s title"),
    ("date", "31/02/2026", "Enter the date of the session, like 2026-03-14"),
    ("date", "1066-10-14", "Enter a real date for the session"),
    ("venue", "v" * 201, "Venue must be 200 characters or fewer"),
    ("trainers", "", "Enter the trainers&#39; names"),
])
def test_session_form_errors_are_explained(client_as, team_a, field, value, message):
    form = dict(SESSION_FORM, team=str(team_a.id), **{field: value})
    response = client_as("trainer").post_form("/library/sessions/new", form)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert TrainingSession.select().count() == 0


def test_another_teams_session_is_not_found_on_every_route(app, client_as, users, team_b):
    owner = make_user("trainer", [team_b])
    session = make_session(owner, team_b)
    person = Attendee.select().where(Attendee.session == session).first()
    link, _ = make_link(owner, session=session, purpose="feedback")
    client = client_as("trainer")
    gets = [f"/library/sessions/{session.id}", f"/library/sessions/{session.id}/edit",
            f"/library/sessions/{session.id}/import", f"/library/sessions/{session.id}/register.csv",
            f"/library/sessions/{session.id}/share/handouts",
            f"/library/sessions/{session.id}/share/feedback"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [f"/library/sessions/{session.id}/edit", f"/library/sessions/{session.id}/attendees",
             f"/library/sessions/{session.id}/attendees/{person.id}/attended",
             f"/library/sessions/{session.id}/attendees/{person.id}/remove",
             f"/library/sessions/{session.id}/import",
             f"/library/sessions/{session.id}/share/feedback",
             f"/library/share-links/{link.id}/revoke"]
    for url in posts:
        assert client.post_form(url, {"name": "x", "attended": "yes"}).status_code == 404, url
    assert "Mental health awareness" not in client.get("/library/sessions").get_data(as_text=True)
    assert Attendee.select().count() == 2 and link.revoked_at is None


def test_an_attendee_of_one_session_cannot_be_changed_through_another(client_as, users, team_a):
    first = make_session(users["trainer"], team_a)
    second = make_session(users["trainer"], team_a, title="Second")
    person = Attendee.select().where(Attendee.session == first).first()
    response = client_as("trainer").post_form(
        f"/library/sessions/{second.id}/attendees/{person.id}/remove")
    assert response.status_code == 404 and Attendee.get_or_none(Attendee.id == person.id)


def test_practitioners_and_admins_do_not_see_training_registers(client_as, users, team_a):
    session = make_session(users["trainer"], team_a)
    for role in ("practitioner", "coordinator", "admin"):
        assert client_as(role).get(f"/library/sessions/{session.id}").status_code == 403


def test_adding_and_marking_attendees(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=())
    client = client_as("trainer")
    response = client.post_form(f"/library/sessions/{session.id}/attendees", {
        "name": "Priya Shah", "organisation": "Probation", "role": "Officer",
        "email": "Priya.Shah@probation.example", "attended": "y"})
    assert response.status_code == 303
    person = Attendee.get()
    assert person.email == "priya.shah@probation.example" and person.attended
    row = client.post_form(f"/library/sessions/{session.id}/attendees/{person.id}/attended",
                           {"attended": "no"}, htmx=True)
    text = row.get_data(as_text=True)
    assert text.strip().startswith("<tr") and "Mark as attended" in text
    assert not Attendee.get_by_id(person.id).attended
    plain = client.post_form(f"/library/sessions/{session.id}/attendees/{person.id}/attended",
                             {"attended": "yes"})
    assert plain.status_code == 302 and Attendee.get_by_id(person.id).attended


def test_a_bad_attendee_is_explained_and_not_added(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=())
    response = client_as("trainer").post_form(f"/library/sessions/{session.id}/attendees", {
        "name": "", "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert "Enter the attendee&#39;s name" in page and "Enter an email address in the correct format" in page
    assert Attendee.select().count() == 0


# -- CSV import ----------------------------------------------------------------------------------
def test_a_register_csv_is_imported(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=())
    text = ("Name,Organisation,Role,Email,Attended\r\n"
            "Alex Green,Islington Police,Sergeant,alex@police.example,yes\r\n"
            "Sam Patel,Islington Police,Constable,,no\r\n"
            "\"O'Brien, Kim\",Court,Usher,,\r\n")
    response = csv_upload(client_as("trainer"), session, "\ufeff" + text)
    assert response.status_code == 302
    people = {a.name: a for a in Attendee.select()}
    assert set(people) == {"Alex Green", "Sam Patel", "O'Brien, Kim"}
    assert people["Sam Patel"].attended is False and people["O'Brien, Kim"].attended is True
    assert AuditEvent.select().where(AuditEvent.action == "library.register_imported").count() == 1


def test_a_csv_with_bad_rows_imports_nothing_and_lists_every_problem(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=())
    text = ("name,email,attended\n"
            "Good Person,good@example.org,yes\n"
            ",nobody@example.org,yes\n"
            "Bad Email,not-an-email,yes\n"
            "Maybe,,perhaps\n"
            + "Long," + "x" * 300 + "@example.org,yes\n")
    response = csv_upload(client_as("trainer"), session, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in page
    for expected in ("Row 3: name is missing.", "Row 4: email is not a valid address.",
                     "Row 5: attended must be yes or no.",
                     "Row 6: email is longer than 254 characters."):
        assert expected in page
    assert Attendee.select().count() == 0


@pytest.mark.parametrize("data, message", [
    (b"", "The file you chose is empty."),
    (b"email\nx@example.org\n", "including \u201cname\u201d"),
    (b"name\n", "a header row but no attendees"),
    ("name\nZo\u00eb\n".encode("utf-16"), "not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    (b"name\n" + b"x\n" * 1001, "more than 1000 attendees"),
    (b"name\nx\x00y\n", "not a CSV file"),
])
def test_unreadable_csv_files_are_explained(client_as, users, team_a, data, message):
    session = make_session(users["trainer"], team_a, attendees=())
    response = csv_upload(client_as("trainer"), session, data)
    assert message in response.get_data(as_text=True)
    assert Attendee.select().count() == 0


def test_an_oversize_csv_is_refused_without_reading_it_all(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=())
    response = csv_upload(client_as("trainer"), session, b"name\n" + b"x" * (2 * 1024 * 1024))
    assert "The file is larger than 1 MB" in response.get_data(as_text=True)


def test_parse_register_reports_control_characters():
    result = parse_register("name,role\nAna,Officer\x1b[31m\n".encode())
    assert result.errors == ["Row 2: role contains control characters."] and result.rows == []


# -- CSV export ----------------------------------------------------------------------------------
def test_the_register_exports_as_csv_with_formulas_neutralised(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=(
        ("=HYPERLINK(\"http://evil.example\",\"x\")", True), ("+44 20 7946 0000", False),
        ("-2+3", True), ("@SUM(A1)", True), ("\tTabbed", True), ("Plain Name", True)))
    response = client_as("trainer").get(f"/library/sessions/{session.id}/register.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="Register 2026-03-14')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Organisation", "Role", "Email", "Attended"]
    names = sorted(r[0] for r in rows[1:])
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert "'+44 20 7946 0000" in names and "'-2+3" in names and "'@SUM(A1)" in names
    assert "'\tTabbed" in names and "Plain Name" in names
    assert AuditEvent.select().where(AuditEvent.action == "library.register_exported").count() == 1


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("\rx", "'\rx"), ("a=b", "a=b"),
                                             ("", ""), (None, "")])
def test_neutralise(value, expected):
    assert neutralise(value) == expected
