"""A manager reviews a record past its retention period and approves its destruction,
in a real browser; and an expired session hands htmx over to the sign-in page."""
from __future__ import annotations

import datetime as dt

from models.base import utcnow
from models.retention import Destruction
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_person, make_referral


def test_manager_reviews_and_destroys_an_old_record(page, users, team_a):
    person = make_person(given_name="Amara", family_name="Mensah")
    closed = utcnow() - dt.timedelta(days=365 * 7)
    referral = make_referral(person, team_a, status="closed", outcome="diverted",
                             received_at=closed - dt.timedelta(days=90), closed_at=closed)
    sign_in(page, users["manager"].email, PASSWORD)
    page.get_by_role("link", name="Retention").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Records due for review"
    assert "Amara Mensah" in page.locator("#due-list").inner_text()
    check_accessibility(page, "retention-review")
    screenshot(page, "security-retention-review")

    page.get_by_role("link", name=f"Review referral {referral.id}").click()
    page.get_by_role("button", name="Destroy this record").click()
    assert "Confirm that nothing requires this record to be kept" in page.locator(
        ".nhsuk-error-summary").inner_text()
    check_accessibility(page, "retention-destroy-error")
    screenshot(page, "security-retention-destroy-error")

    page.get_by_label("I have checked that nothing requires").check()
    page.get_by_role("button", name="Destroy this record").click()
    page.wait_for_load_state("networkidle")
    assert "content destroyed" in page.content()
    assert "No records are due for review" in page.locator("#due-list").inner_text()
    assert "Amara" not in page.content()
    check_accessibility(page, "retention-after")
    screenshot(page, "security-retention-after")
    assert Destruction.select().count() == 1
    assert page.console_errors == []
