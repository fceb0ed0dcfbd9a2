"""Writing a letter on a referral: the form, the stored immutable document, its timeline
event, downloads (DOCX and PDF) with their audit entries, and team separation."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat

import pytest
from peewee import DatabaseError

from blueprints.letters import generate, pdf
from models.audit import AuditEvent
from models.files import read_bytes
from models.letters import GeneratedDocument
from models.timeline import TimelineEvent
from tests.letters_support import (NEEDS, docx_text, installed, needs_source,  # noqa: F401
                                   referral_a, referral_b, table_rows)


def write(client, referral, letter_template, **fields):
    data = {"template": str(letter_template.id), "summary": "Engaged well.",
            "recommendations": "Bail with support\nCMHT referral"}
    data.update(fields)
    return client.post_form(f"/letters/referrals/{referral.id}/new", data)


def test_the_form_shows_the_fields_the_template_uses_prefilled(client_as, installed,
                                                                referral_a, needs_source):
    court = installed["court_report"]
    page = client_as("practitioner").get(
        f"/letters/referrals/{referral_a.id}/new?template={court.id}").get_data(as_text=True)
    assert 'name="summary"' in page and 'name="recommendations"' in page
    assert "Assessed today: Seen in the cells, low mood." in page
    assert 'name="recipient"' not in page  # the court report has no addressee
    gp = installed["gp_letter"]
    page = client_as("practitioner").get(
        f"/letters/referrals/{referral_a.id}/new?template={gp.id}").get_data(as_text=True)
    assert 'name="recipient"' in page


def test_choosing_a_template_with_htmx_returns_only_the_fields(client_as, installed,
                                                              referral_a):
    court = installed["court_report"]
    response = client_as("practitioner").hx_get(
        f"/letters/referrals/{referral_a.id}/new?template={court.id}")
    body = response.get_data(as_text=True)
    assert 'id="letter-fields"' in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_a_practitioner_writes_a_court_report_kept_on_the_case(client_as, installed, users,
                                                               referral_a, needs_source):
    client = client_as("practitioner")
    response = write(client, referral_a, installed["court_report"],
                     summary="Jordan said: <I'm fine> & {{ not a field }}")
    assert response.status_code == 303
    document = GeneratedDocument.get()
    assert response.headers["Location"].endswith(f"/letters/documents/{document.id}")
    data = read_bytes(document.file)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.author_id == users["practitioner"].id
    assert document.file_name.startswith("Jordan Amadi - Report to the court on the day - ")
    text = docx_text(data)
    assert "Jordan Amadi" in text and "Jordan said: <I'm fine> & {{ not a field }}" in text
    assert "CMHT referral" in text and "Highbury Corner Magistrates' Court, 3" in text
    assert ["Mental health", "High", "Hearing voices since the summer"] in table_rows(data)
    event = TimelineEvent.get()
    assert (event.kind, event.link_type, event.link_id) == ("letter", "letter", str(document.id))
    assert "Report to the court on the day written" in event.summary
    assert AuditEvent.select().where(AuditEvent.action == "letters.document_created").count() == 1


def test_download_gives_the_exact_bytes_and_is_audited(client_as, installed, referral_a):
    client = client_as("practitioner")
    write(client, referral_a, installed["court_report"])
    document = GeneratedDocument.get()
    response = client.get(f"/letters/documents/{document.id}/download")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == document.sha256
    assert 'attachment; filename="Jordan Amadi - Report to the court' in \
        response.headers["Content-Disposition"]
    downloads = AuditEvent.select().where(AuditEvent.action == "letters.document_downloaded")
    assert [(e.object_id, e.person_id, e.detail) for e in downloads] == \
        [(str(document.id), referral_a.person_id, "docx")]


def test_a_new_draft_is_a_new_document(client_as, installed, referral_a):
    client = client_as("practitioner")
    write(client, referral_a, installed["court_report"], summary="First draft")
    write(client, referral_a, installed["court_report"], summary="Second draft")
    first, second = GeneratedDocument.select().order_by(GeneratedDocument.id)
    assert first.sha256 != second.sha256
    assert "First draft" in docx_text(read_bytes(first.file))


def test_a_generated_document_cannot_be_changed_or_deleted(client_as, installed, referral_a):
    write(client_as("practitioner"), referral_a, installed["court_report"])
    document = GeneratedDocument.get()
    with pytest.raises(PermissionError):
        document.save()
    with pytest.raises(DatabaseError):
        GeneratedDocument.update(file_name="changed.docx").execute()
    with pytest.raises(DatabaseError):
        GeneratedDocument.delete().execute()


def test_another_team_cannot_see_or_download_the_letter(app, client_as, installed,
                                                         referral_a, other_team_user):
    write(client_as("practitioner"), referral_a, installed["court_report"])
    document = GeneratedDocument.get()
    other = app.test_client().sign_in(other_team_user)
    for url in (f"/letters/documents/{document.id}", f"/letters/documents/{document.id}/download",
                f"/letters/documents/{document.id}/pdf", f"/letters/referrals/{referral_a.id}/new"):
        assert other.get(url).status_code == 404, url
    response = other.post_form(f"/letters/referrals/{referral_a.id}/new",
                               {"template": str(installed["court_report"].id)})
    assert response.status_code == 404
    assert GeneratedDocument.select().count() == 1
    assert "Jordan" not in other.get("/letters/").get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"template": ""}, "Choose a template"),
    ({"template": "abc"}, "Choose a template from the list"),
    ({"template": "99999"}, "Choose a template from the list"),
    ({"summary": "x" * 8001}, "The summary must be 8,000 characters or fewer"),
    ({"summary": "bell \x07 here"}, "Summary must not contain control characters"),
    ({"recipient": "r" * 501}, "The recipient must be 500 characters or fewer"),
])
def test_bad_letter_input_is_refused_and_nothing_is_stored(client_as, installed, referral_a,
                                                           fields, message):
    response = write(client_as("practitioner"), referral_a, installed["court_report"], **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert GeneratedDocument.select().count() == 0 and TimelineEvent.select().count() == 0


def test_script_sql_and_paths_in_typed_text_are_kept_as_text(client_as, installed, referral_a):
    client = client_as("practitioner")
    hostile = "<script>alert(1)</script> ' OR 1=1; -- ../../etc/passwd"
    write(client, referral_a, installed["court_report"], summary=hostile, other=hostile)
    document = GeneratedDocument.get()
    assert hostile in docx_text(read_bytes(document.file))
    page = client.get(f"/letters/referrals/{referral_a.id}/new").get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_a_switched_off_template_is_not_offered(client_as, installed, referral_a):
    court = installed["court_report"]
    manager = client_as("manager")
    manager.post_form(f"/letters/templates/{court.id}/active", {"active": "0"})
    response = write(client_as("practitioner"), referral_a, court)
    assert "Choose a template from the list" in response.get_data(as_text=True)


# -- PDF -----------------------------------------------------------------------------------
def test_without_libreoffice_pdf_is_not_offered_and_says_why(client_as, installed, referral_a,
                                                             monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    client = client_as("practitioner")
    write(client, referral_a, installed["court_report"])
    document = GeneratedDocument.get()
    page = client.get(f"/letters/documents/{document.id}").get_data(as_text=True)
    assert "PDF is not available" in page and "Download PDF" not in page
    response = client.get(f"/letters/documents/{document.id}/pdf", follow_redirects=True)
    assert "LibreOffice is not installed" in response.get_data(as_text=True)


def test_pdf_conversion_runs_soffice_in_a_temporary_folder(client_as, installed, referral_a,
                                                           monkeypatch, tmp_path):
    # A stand-in soffice that writes a PDF where LibreOffice would, and records its call.
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nfor a; do out=$a; done\necho \"$@\" > %s/args\n"
                    "dir=$(dirname \"$out\")\nprintf '%%%%PDF-1.4 fake' > \"$dir/letter.pdf\"\n"
                    % tmp_path)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice_path", lambda: str(fake))
    client = client_as("practitioner")
    write(client, referral_a, installed["court_report"])
    document = GeneratedDocument.get()
    response = client.get(f"/letters/documents/{document.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].endswith('.pdf"')
    args = (tmp_path / "args").read_text()
    assert "--headless" in args and "--convert-to pdf" in args
    workdir = args.split("--outdir ")[1].split()[0]
    assert not os.path.exists(workdir)  # the temporary folder is gone
    assert AuditEvent.select().where(AuditEvent.detail == "pdf").count() == 1


def test_a_hanging_soffice_is_stopped_by_the_time_limit(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice_path", lambda: str(fake))
    with pytest.raises(pdf.PdfUnavailable) as caught:
        pdf.convert_to_pdf(b"PK fake", timeout=1)
    assert "took too long" in caught.value.message


def test_real_pdf_conversion_with_libreoffice(app, referral_a, installed, users):
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed here: the real PDF conversion "
                    "is not tested; the stand-in test above covers the plumbing.")
    data = generate.render_letter("court_report", {"person": {"full_name": "Jordan Amadi"}})
    assert pdf.convert_to_pdf(data).startswith(b"%PDF")


# -- every shipped template on a real referral ----------------------------------------------
@pytest.mark.parametrize("purpose", ["court_report", "bail_information", "gp_letter",
                                     "service_referral", "mhtr_request", "discharge_roadmap"])
def test_every_default_renders_for_a_referral_with_the_needs(installed, referral_a, users,
                                                             needs_source, purpose):
    from blueprints.letters import catalogue
    context = catalogue.context_for(referral_a, catalogue.prefill_for(referral_a),
                                    author=users["practitioner"])
    data = generate.render_letter(purpose, context)
    text = docx_text(data)
    assert "Jordan Amadi" in text
    assert "{{" not in text and "{%" not in text
    rows = table_rows(data)
    for need in NEEDS:
        assert [need["domain"], need["level"], need["note"]] in rows


def test_certificate_and_roadmap_render_from_the_built_in_templates(app):
    certificate = generate.render_default("certificate_of_attendance", {
        "certificate": {"attendee": "Ruth <Okoro>", "title": "Mental health first aid",
                        "date": "23 November 2026", "duration": "3 hours",
                        "delivered_by": "Training Team"}})
    text = docx_text(certificate)
    assert "Ruth <Okoro>" in text and "(3 hours)" in text and "{{" not in text
    roadmap = generate.render_default("discharge_roadmap", {
        "person": {"full_name": "Mae West"},
        "roadmap": {"pathway": "SAR", "goals": [{"goal": "Housing", "progress": "Registered",
                                                 "next_step": "Bid weekly"}]}})
    assert ["Housing", "Registered", "Bid weekly"] in table_rows(roadmap)
    with pytest.raises(ValueError):
        generate.render_default("not_a_purpose", {})


def test_render_letter_prefers_a_manager_s_active_template(client_as, installed):
    from tests.test_letters_templates import template_docx, upload
    upload(client_as("manager"), "/letters/templates/new",
           template_docx("OUR OWN court report for {{ person.full_name }}"), name="Our own")
    text = docx_text(generate.render_letter("court_report", {"person": {"full_name": "Kim"}}))
    assert "OUR OWN court report for Kim" in text
    ours = installed["court_report"].__class__.get(name="Our own")
    client_as("manager").post_form(f"/letters/templates/{ours.id}/active", {"active": "0"})
    text = docx_text(generate.render_letter("court_report", {"person": {"full_name": "Kim"}}))
    assert "Report to the court" in text and "OUR OWN" not in text


def test_the_latest_needs_assessment_and_assessment_note_fill_the_letter(app, client_as,
                                                                         installed, referral_a,
                                                                         users):
    needs = pytest.importorskip("models.needs", reason="case work's needs assessments are "
                                                       "not installed in this branch")
    notes = pytest.importorskip("models.notes")
    author = users["practitioner"]
    old = needs.NeedsAssessment.create(referral=referral_a, person=referral_a.person_id,
                                       team=referral_a.team_id, assessed_by=author)
    needs.NeedRating.create(assessment=old, domain="housing", level="low", note="Old")
    latest = needs.NeedsAssessment.create(referral=referral_a, person=referral_a.person_id,
                                          team=referral_a.team_id, assessed_by=author)
    needs.NeedRating.create(assessment=latest, domain="housing", level="medium",
                            note="Sofa surfing")
    needs.NeedRating.create(assessment=latest, domain="mental_health", level="high",
                            note="Hearing voices")
    needs.NeedRating.create(assessment=latest, domain="alcohol", level="none", note="")
    notes.CaseNote.create(person=referral_a.person_id, referral=referral_a,
                          team=referral_a.team_id, author=author, note_type="assessment",
                          body="Seen at 09:10; calm and engaged.")
    client = client_as("practitioner")
    court = installed["court_report"]
    page = client.get(f"/letters/referrals/{referral_a.id}/new?template={court.id}")
    assert "Seen at 09:10; calm and engaged." in page.get_data(as_text=True)
    write(client, referral_a, court)
    rows = table_rows(read_bytes(GeneratedDocument.get().file))
    needs_rows = [r for r in rows if r[0] in ("Mental health", "Housing",
                                              "Substance misuse: alcohol")]
    assert needs_rows == [["Mental health", "High", "Hearing voices"],
                          ["Housing", "Medium", "Sofa surfing"]]
