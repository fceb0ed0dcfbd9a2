"""A practitioner writes a court report on a referral and downloads it, in a real browser;
a manager checks the templates and the field catalogue."""
from __future__ import annotations

import io

from docx import Document
from playwright.sync_api import expect

from blueprints.letters import defaults
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD
from tests.letters_support import needs_source, referral_a  # noqa: F401


def test_practitioner_writes_a_court_report_and_downloads_it(page, users, referral_a,
                                                             needs_source):
    defaults.install_defaults()
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto(f"/letters/referrals/{referral_a.id}/new")
    check_accessibility(page, "write a letter (no template)")
    page.get_by_label("Template").select_option(label="Report to the court on the day")
    summary = page.get_by_label("Summary", exact=True)
    expect(summary).to_be_visible()  # swapped in by htmx, no reload
    expect(summary).to_have_value("Assessed today: Seen in the cells, low mood.")
    summary.fill("Jordan engaged well & agreed to support <today>.")
    page.get_by_label("Recommendations").fill("Bail with support\nCMHT referral")
    check_accessibility(page, "write a letter")
    screenshot(page, "letters-write")
    page.get_by_role("button", name="Create letter").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Letter created and kept on the case.")).to_be_visible()
    check_accessibility(page, "generated letter")
    screenshot(page, "letters-document")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Word document").click()
    download = info.value
    assert download.suggested_filename.startswith("Jordan Amadi - Report to the court on the day")
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Jordan engaged well & agreed to support <today>." in text
    assert page.console_errors == []


def test_manager_sees_templates_catalogue_and_a_preview(page, users):
    defaults.install_defaults()
    sign_in(page, users["manager"].email, PASSWORD)
    page.goto("/letters/templates")
    check_accessibility(page, "templates")
    screenshot(page, "letters-templates")
    page.get_by_role("link", name="Report to the court on the day").click()
    check_accessibility(page, "template")
    page.get_by_role("link", name="Preview version 1").click()
    expect(page.get_by_text("Jordan Amadi").first).to_be_visible()
    check_accessibility(page, "preview")
    screenshot(page, "letters-preview")
    page.goto("/letters/catalogue")
    check_accessibility(page, "catalogue")
    screenshot(page, "letters-catalogue")
    assert page.console_errors == []
