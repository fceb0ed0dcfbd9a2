"""Managing letter templates: upload with checks and clear messages, new versions that keep
the old ones, previews that save nothing, the catalogue page and the default templates."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from blueprints.letters import defaults
from models.audit import AuditEvent
from models.files import StoredFile, read_bytes
from models.letters import LetterTemplate, TemplateVersion
from tests import fixtures_uploads as make
from tests.letters_support import docx_text, installed  # noqa: F401


def template_docx(*paragraphs: str) -> bytes:
    return make.docx_bytes(paragraphs=paragraphs, title="Letter")


def upload(client, url, data: bytes | None, filename="letter.docx", **fields):
    form = {"name": "Remand letter", "purpose": "court_report", "note": "", "action": "upload"}
    form.update(fields)
    if data is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.post_form(url, form, content_type="multipart/form-data")


def nothing_stored():
    return (LetterTemplate.select().count(), TemplateVersion.select().count(),
            StoredFile.select().count()) == (0, 0, 0)


def test_a_manager_uploads_a_template_and_it_is_stored(client_as, users):
    data = template_docx("Dear court, {{ person.full_name }} ({{ person.date_of_birth }})")
    response = upload(client_as("manager"), "/letters/templates/new", data,
                      filename="../../etc/Remand <script>.docx", note="First go")
    assert response.status_code == 302
    template = LetterTemplate.get()
    version = template.latest_version()
    assert (template.name, template.purpose, template.active) == ("Remand letter",
                                                                 "court_report", True)
    assert (version.number, version.note, version.uploaded_by_id) == (1, "First go",
                                                                      users["manager"].id)
    assert version.original_name == "Remand script.docx"  # no path, no markup characters
    assert read_bytes(version.file) == data
    assert AuditEvent.select().where(AuditEvent.action == "letters.template_created").count() == 1


def test_preview_checks_and_shows_the_letter_but_saves_nothing(client_as):
    data = template_docx("Dear court, {{ person.full_name }}", "{{ summary }}")
    response = upload(client_as("manager"), "/letters/templates/new", data, action="preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview with sample data" in page and "Jordan Amadi" in page
    assert nothing_stored()


def test_preview_html_is_sanitised(client_as):
    data = template_docx("{{ person.full_name }} <script>alert(1)</script>")
    page = upload(client_as("manager"), "/letters/templates/new", data,
                  action="preview").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


HOSTILE = [
    ("a .docm with macros", make.docm_bytes, "letter.docm", "macro"),
    ("a renamed zip", make.renamed_zip_bytes, "letter.docx", "Word document"),
    ("a zip bomb", make.zip_bomb_bytes, "letter.docx", ""),
    ("an entity expansion", make.entity_expansion_docx_bytes, "letter.docx", ""),
    ("an external entity", make.xxe_docx_bytes, "letter.docx", ""),
    ("path traversal", make.traversal_docx_bytes, "letter.docx", ""),
    ("a password-protected file", make.encrypted_ooxml_bytes, "letter.docx", "password"),
    ("a PDF", make.pdf_bytes, "letter.docx", "PDF"),
    ("an empty file", make.empty_bytes, "letter.docx", "empty"),
]


@pytest.mark.parametrize("label, builder, filename, words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_uploads_are_refused_with_a_message_and_nothing_stored(client_as, label,
                                                                      builder, filename, words):
    response = upload(client_as("manager"), "/letters/templates/new", builder(),
                      filename=filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, label
    assert "There is a problem" in page and "nhsuk-error-message" in page, label
    assert words.lower() in page.lower(), label
    assert nothing_stored(), label


def test_a_template_reaching_for_python_internals_is_refused(client_as):
    data = template_docx("Hello {{ ''.__class__.__mro__ }}")
    page = upload(client_as("manager"), "/letters/templates/new", data).get_data(as_text=True)
    assert "letters may not do" in page or "underscore" in page
    assert nothing_stored()


def test_an_unknown_field_is_named_with_the_closest_ones(client_as):
    data = template_docx("Dear {{ person.frist_name }}", "{{ hearing.cuort }}")
    page = upload(client_as("manager"), "/letters/templates/new", data).get_data(as_text=True)
    assert "Unknown field {{ person.frist_name }}. Did you mean {{ person.first_name }}" \
        in page.replace("&#39;", "'")
    assert "{{ hearing.court }}" in page
    assert nothing_stored()


def test_a_syntax_error_is_reported_with_its_paragraph(client_as):
    data = template_docx("Fine", "{% for need in needs %}{{ need.domain }}")
    page = upload(client_as("manager"), "/letters/templates/new", data).get_data(as_text=True)
    assert "Placeholder error" in page and "for need in needs" in page
    assert nothing_stored()


def test_a_file_over_the_request_limit_is_refused_before_it_is_read(client_as):
    response = upload(client_as("manager"), "/letters/templates/new", make.oversize_bytes())
    assert response.status_code == 413
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert nothing_stored()


def test_a_file_over_the_template_limit_is_refused(client_as):
    big = make.docx_bytes(paragraphs=["x" * 1000] * 10) + b"\0" * (6 * 1024 * 1024)
    page = upload(client_as("manager"), "/letters/templates/new", big).get_data(as_text=True)
    assert "larger than 5 MB" in page
    assert nothing_stored()


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Enter a name for the template"),
    ({"name": "n" * 121}, "Template name must be 120 characters or fewer"),
    ({"name": "Bad\x00name"}, "Template name must not contain control characters"),
    ({"purpose": "'; DROP TABLE letter_template; --"}, "Choose what the letter is for"),
    ({"note": "n" * 301}, "The note must be 300 characters or fewer"),
])
def test_bad_template_details_are_refused(client_as, fields, message):
    data = template_docx("{{ person.full_name }}")
    page = upload(client_as("manager"), "/letters/templates/new", data,
                  **fields).get_data(as_text=True)
    assert message in page
    assert nothing_stored()


def test_missing_file_is_asked_for(client_as):
    page = upload(client_as("manager"), "/letters/templates/new", None).get_data(as_text=True)
    assert "Choose a Word document (.docx) to upload" in page
    assert nothing_stored()


def test_a_duplicate_name_is_refused(client_as, installed):
    data = template_docx("{{ person.full_name }}")
    page = upload(client_as("manager"), "/letters/templates/new", data,
                  name="bail information").get_data(as_text=True)
    assert "A template with this name already exists" in page


def test_a_new_version_keeps_the_old_one(client_as, installed):
    court = installed["court_report"]
    first = court.latest_version()
    data = template_docx("Short court report for {{ person.full_name }}")
    client = client_as("manager")
    response = upload(client, f"/letters/templates/{court.id}", data, note="Shorter")
    assert response.status_code == 302
    versions = list(court.versions.order_by(TemplateVersion.number))
    assert [v.number for v in versions] == [1, 2]
    assert read_bytes(versions[0].file) == read_bytes(first.file)
    assert court.latest_version().note == "Shorter"
    page = client.get(f"/letters/templates/{court.id}").get_data(as_text=True)
    assert "Shorter" in page and "standard template" in page


def test_a_bad_new_version_leaves_the_template_as_it_was(client_as, installed):
    court = installed["court_report"]
    page = upload(client_as("manager"), f"/letters/templates/{court.id}",
                  make.docm_bytes()).get_data(as_text=True)
    assert "There is a problem" in page
    assert court.versions.count() == 1


def test_a_stored_version_previews_with_sample_data(client_as, installed):
    court = installed["court_report"]
    version = court.latest_version()
    page = client_as("manager").get(
        f"/letters/templates/{court.id}/versions/{version.id}/preview").get_data(as_text=True)
    assert "Jordan Amadi" in page and "<li>Referral to the community mental health team</li>" \
        in page and "Mental health" in page


def test_a_version_of_another_template_is_404(client_as, installed):
    court, gp = installed["court_report"], installed["gp_letter"]
    version = gp.latest_version()
    client = client_as("manager")
    for url in (f"/letters/templates/{court.id}/versions/{version.id}/preview",
                f"/letters/templates/{court.id}/versions/{version.id}/download"):
        assert client.get(url).status_code == 404


def test_a_manager_downloads_a_template_to_edit_it(client_as, installed):
    court = installed["court_report"]
    version = court.latest_version()
    response = client_as("manager").get(
        f"/letters/templates/{court.id}/versions/{version.id}/download")
    assert response.status_code == 200 and response.data == defaults.build("court_report")
    assert AuditEvent.select().where(
        AuditEvent.action == "letters.template_downloaded").count() == 1


def test_the_catalogue_page_lists_every_field_with_an_example(client_as):
    page = client_as("manager").get("/letters/catalogue").get_data(as_text=True)
    for text in ("{{ person.full_name }}", "{{ need.domain }}", "{{ hearing.court }}",
                 "{{ practitioner.name }}", "{{ today }}", "943 476 5919", "{%tr for need in needs %}"):
        assert text in page.replace("&#39;", "'"), text


def test_the_templates_list_shows_each_with_its_latest_version(client_as, installed):
    page = client_as("manager").get("/letters/templates").get_data(as_text=True)
    for _, name in defaults.BUILDERS.values():
        assert name in page.replace("&#39;", "'")
    assert "Version 1" in page


def test_install_defaults_is_idempotent_from_the_command_line(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["letters", "install-defaults"])
    assert "Added 7 template(s)" in first.output
    again = runner.invoke(args=["letters", "install-defaults"])
    assert "Added 0 template(s) (all were already installed)" in again.output
    assert LetterTemplate.select().count() == 7 and TemplateVersion.select().count() == 7


def test_practitioners_cannot_manage_templates(client_as, installed):
    client = client_as("practitioner")
    for url in ("/letters/templates", "/letters/templates/new", "/letters/catalogue",
                f"/letters/templates/{installed['court_report'].id}"):
        assert client.get(url).status_code == 403
