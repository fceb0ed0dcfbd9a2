"""Certificates of attendance through the letters engine (when that part is installed)."""
from __future__ import annotations

import io
import zipfile

import pytest

from blueprints.library import certificates
from models.audit import AuditEvent
from models.library import Attendee
from tests.factories import make_user
from tests.library_data import make_session


def text_of(docx: bytes) -> str:
    from docx import Document
    document = Document(io.BytesIO(docx))
    return "\n".join(p.text for p in document.paragraphs)


def test_without_the_letters_engine_no_certificates_are_offered(monkeypatch, client_as, users,
                                                                team_a):
    monkeypatch.setattr(certificates, "_engine", lambda: None)
    session = make_session(users["trainer"], team_a)
    person = Attendee.get(Attendee.name == "Alex Green")
    client = client_as("trainer")
    assert "Certificates of attendance" not in client.get(
        f"/library/sessions/{session.id}").get_data(as_text=True)
    assert client.get(f"/library/sessions/{session.id}/attendees/{person.id}/certificate.docx"
                      ).status_code == 404
    assert client.get(f"/library/sessions/{session.id}/certificates.zip").status_code == 404


needs_letters = pytest.mark.skipif(not certificates.available(),
                                   reason="the letters part (blueprints/letters) is not installed")


@needs_letters
def test_an_attendee_gets_a_certificate_naming_them_and_the_session(client_as, users, team_a):
    session = make_session(users["trainer"], team_a)
    person = Attendee.get(Attendee.name == "Alex Green")
    client = client_as("trainer")
    assert "Certificate for Alex Green" in client.get(
        f"/library/sessions/{session.id}").get_data(as_text=True)
    response = client.get(f"/library/sessions/{session.id}/attendees/{person.id}/certificate.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Certificate Alex Green 2026-03-14.docx"')
    text = text_of(response.get_data())
    assert "Alex Green" in text and "Mental health awareness for custody staff" in text
    assert "14 March 2026" in text and "Jo Trainer" in text
    assert AuditEvent.select().where(AuditEvent.action == "library.certificate_made").count() == 1


@needs_letters
def test_all_certificates_come_in_one_zip_for_those_who_attended(client_as, users, team_a):
    session = make_session(users["trainer"], team_a, attendees=(
        ("Alex Green", True), ("Sam Patel", False), ("<Kim> O'Neil {{ 7*7 }}", True)))
    response = client_as("manager").get(f"/library/sessions/{session.id}/certificates.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".docx") and "/" not in n for n in names)
    texts = [text_of(archive.read(n)) for n in names]
    assert any("<Kim> O'Neil {{ 7*7 }}" in t for t in texts)  # literal, not run
    assert not any("Sam Patel" in t for t in texts)


@needs_letters
def test_no_certificate_for_someone_who_did_not_attend_or_another_team(client_as, users, team_a,
                                                                       team_b):
    session = make_session(users["trainer"], team_a)
    absent = Attendee.get(Attendee.name == "Sam Patel")
    client = client_as("trainer")
    assert client.get(f"/library/sessions/{session.id}/attendees/{absent.id}/certificate.docx"
                      ).status_code == 404
    other = make_session(make_user("trainer", [team_b]), team_b, title="Other team")
    person = Attendee.get((Attendee.session == other) & (Attendee.name == "Alex Green"))
    assert client.get(f"/library/sessions/{other.id}/attendees/{person.id}/certificate.docx"
                      ).status_code == 404
    assert client.get(f"/library/sessions/{other.id}/certificates.zip").status_code == 404
