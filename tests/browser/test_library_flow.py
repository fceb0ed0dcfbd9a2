"""A trainer uploads a guide and shares it; someone with no account opens the link in
another browser and downloads it. Also: live search, and a sheet printing on one page."""
from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from models.library import ShareLink
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD
from tests.fixtures_uploads import pdf_bytes
from tests.library_data import make_guide
from blueprints.library.demo import SHEET_BODY, SHEET_TITLE


def test_trainer_uploads_a_guide_shares_it_and_a_stranger_downloads_it(page, new_page, users,
                                                                       tmp_path):
    guide_file = tmp_path / "women-in-court.pdf"
    guide_file.write_bytes(pdf_bytes(["Trauma-informed practice with women in court."] * 20,
                                     title="Women in court", pages=2))
    sign_in(page, users["trainer"].email, PASSWORD)
    page.goto("/library/")
    check_accessibility(page, "library-empty")
    page.get_by_role("link", name="Add a guide").click()
    page.get_by_label("Title").fill("Working with women in court")
    page.get_by_label("Summary").fill("Trauma-informed practice for court staff.")
    page.get_by_label("Women", exact=True).check()
    page.get_by_label("Trauma-informed practice").check()
    page.get_by_label("Courts").check()
    page.get_by_label("PDF or Word document").set_input_files(str(guide_file))
    check_accessibility(page, "library-new-guide")
    screenshot(page, "library-new-guide")
    page.get_by_role("button", name="Add guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working with women in court")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("added")
    check_accessibility(page, "library-guide")
    screenshot(page, "library-guide")

    page.get_by_role("link", name="Share v1 with a link").click()
    page.get_by_label("Who it is for").fill("Highbury Corner court staff")
    page.get_by_label("Most downloads allowed").fill("3")
    check_accessibility(page, "library-share-form")
    page.get_by_role("button", name="Make link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share link made")
    url = page.locator("#share-url").inner_text().strip()
    check_accessibility(page, "library-share-created")
    screenshot(page, "library-share-created")

    stranger = new_page()  # a fresh browser context: no session, no cookies
    stranger.goto(url)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Working with women in court")
    assert stranger.locator("nav[aria-label='Menu']").count() == 0
    check_accessibility(stranger, "library-shared")
    screenshot(stranger, "library-shared")
    with stranger.expect_download() as info:
        stranger.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename == "Working with women in court (v1).pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == guide_file.read_bytes()
    assert ShareLink.get().use_count == 1

    page.goto("/library/share-links")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("withdrawn")
    stranger.goto(url)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("This link has been withdrawn")
    check_accessibility(stranger, "library-shared-withdrawn")
    screenshot(stranger, "library-shared-withdrawn")
    assert page.console_errors == []


def test_library_search_updates_as_you_type(page, users):
    make_guide(users["trainer"], title="Common sense approach to dual diagnosis",
               topics=("dual_diagnosis",))
    make_guide(users["trainer"], title="Learning disability in custody",
               topics=("learning_disability",))
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto("/library/")
    marker = page.evaluate("window.__marker = Math.random()")
    page.get_by_label("Search guides and quick-reference sheets").fill("dual")
    results = page.locator("#library-results")
    expect(results).not_to_contain_text("Learning disability")
    expect(results).to_contain_text("dual diagnosis")
    assert "q=dual" in page.url
    assert page.evaluate("window.__marker") == marker
    page.get_by_label("Topic").select_option("learning_disability")
    expect(results).to_contain_text("No guides match your search.")
    check_accessibility(page, "library-search")
    screenshot(page, "library-search")


def test_a_quick_reference_sheet_prints_on_one_page(page, users):
    sign_in(page, users["trainer"].email, PASSWORD)
    page.goto("/library/sheets/new")
    page.get_by_label("Title").fill(SHEET_TITLE)
    page.get_by_label("Summary").fill("What you may notice, what to do and who to call.")
    page.get_by_label("Sheet text").fill(SHEET_BODY * 2)
    page.get_by_label("Mental health awareness").check()
    page.get_by_label("Police").check()
    page.get_by_role("button", name="Save sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SHEET_TITLE)
    expect(page.get_by_role("button", name="Print this sheet")).to_be_visible()
    check_accessibility(page, "library-sheet")
    screenshot(page, "library-sheet")
    page.emulate_media(media="print")
    screenshot(page, "library-sheet-print")
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
