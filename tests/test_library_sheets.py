"""Quick-reference sheets: written in Markdown, shown sanitised, searchable, printable."""
from __future__ import annotations

import pytest

from blueprints.library.rich_text import render_markdown
from models.audit import AuditEvent
from models.library import QuickSheet
from tests.library_data import make_sheet

SHEET = {"title": "Signs and symptoms of psychosis", "summary": "What you may notice",
         "body": "## Signs\n\n- hearing voices\n- **paranoia**\n\n## Who to call\n\n"
                 "| Need | Call |\n|---|---|\n| Crisis | [NHS 111](tel:111) |",
         "topics": ["mental_health"], "audiences": ["police", "courts"]}


def test_trainer_writes_a_sheet_that_staff_read_as_formatted_text(client_as):
    response = client_as("trainer").post_form("/library/sheets/new", SHEET)
    assert response.status_code == 302
    sheet = QuickSheet.get()
    page = client_as("practitioner").get(f"/library/sheets/{sheet.id}").get_data(as_text=True)
    assert "<h2>Signs</h2>" in page and "<strong>paranoia</strong>" in page
    assert '<a href="tel:111" rel="noopener noreferrer">NHS 111</a>' in page
    assert "<table>" in page and "<td>Crisis</td>" in page
    assert AuditEvent.select().where(AuditEvent.action == "library.sheet_created").count() == 1


@pytest.mark.parametrize("markdown, forbidden", [
    ("<script>alert(1)</script>", "<script>"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("[click](javascript:alert(1))", '<a href="javascript'),
    ("<a href=\"javascript:alert(1)\">x</a>", '<a href="javascript'),
    ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
    ("<style>body{display:none}</style>", "<style>"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", '<a href="data:'),
])
def test_markdown_cannot_bring_in_scripts_or_active_html(markdown, forbidden):
    assert forbidden not in str(render_markdown(markdown))


def test_a_sheet_with_a_script_is_stored_but_shown_harmless(client_as):
    client_as("trainer").post_form("/library/sheets/new", dict(
        SHEET, title="<script>alert(1)</script>", body="Hello <script>alert(2)</script>"))
    sheet = QuickSheet.get()
    page = client_as("practitioner").get(f"/library/sheets/{sheet.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter the sheet&#39;s title"),
    ("body", "", "Enter the sheet&#39;s text"),
    ("body", "x" * 6001, "Sheet text must be 6000 characters or fewer (so that it prints on one page)"),
    ("summary", "y" * 501, "Summary must be 500 characters or fewer"),
    ("audiences", [], "Select at least one audience"),
])
def test_sheet_form_errors_are_explained(client_as, field, value, message):
    response = client_as("trainer").post_form("/library/sheets/new", dict(SHEET, **{field: value}))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert QuickSheet.select().count() == 0


def test_the_sheet_page_has_a_print_stylesheet(client_as, users):
    sheet = make_sheet(users["trainer"])
    page = client_as("practitioner").get(f"/library/sheets/{sheet.id}").get_data(as_text=True)
    assert "css/library.css" in page and 'class="app-sheet"' in page
    css = client_as("practitioner").get("/static/css/library.css").get_data(as_text=True)
    assert "@media print" in css and "column-count: 2" in css


def test_editing_a_sheet_changes_what_staff_see(client_as, users):
    sheet = make_sheet(users["trainer"])
    response = client_as("manager").post_form(f"/library/sheets/{sheet.id}/edit", dict(
        SHEET, body="## Updated\n\nCall the duty team.", version=str(sheet.version)))
    assert response.status_code == 302
    page = client_as("practitioner").get(f"/library/sheets/{sheet.id}").get_data(as_text=True)
    assert "Call the duty team." in page
    assert QuickSheet.get_by_id(sheet.id).updated_by_id != sheet.updated_by_id


def test_staff_cannot_write_sheets(client_as, users):
    assert client_as("practitioner").post_form("/library/sheets/new", SHEET).status_code == 403
    assert client_as("coordinator").get("/library/sheets/new").status_code == 403
    assert QuickSheet.select().count() == 0
