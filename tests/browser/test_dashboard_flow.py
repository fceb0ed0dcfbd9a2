"""A manager opens the monitoring reports and changes the period (charts update in place
through htmx); a practitioner sees their day."""
import datetime as dt

from playwright.sync_api import expect

from blueprints.dashboard.period import london_today
from models.people import ETHNICITIES, OUTCOMES, REFERRAL_SOURCES
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_hearing, make_person, make_referral


def make_history(team):
    """60 referrals from January to June 2026, some closed, varied people."""
    sources, ethnicities, outcomes = list(REFERRAL_SOURCES), list(ETHNICITIES), list(OUTCOMES)
    for n in range(60):
        person = make_person(gender="woman" if n % 3 == 0 else "man",
                             ethnicity=ethnicities[n % 7 * 3 % len(ethnicities)])
        at = dt.datetime(2026, 1, 1, 10) + dt.timedelta(days=n * 3)
        closed = n % 2 == 0
        make_referral(person, team, received_at=at, source=sources[n % 4],
                      screening_route="proactive" if n % 3 else "reactive",
                      status="closed" if closed else "open",
                      outcome=outcomes[n % 3] if closed else None,
                      closed_at=at + dt.timedelta(days=2) if closed else None)


def test_manager_changes_the_report_period_and_the_charts_update(page, users, team_a):
    make_history(team_a)
    sign_in(page, users["manager"].email, PASSWORD)
    page.goto("/reports?start=2026-04-01&end=2026-07-01")
    heading = page.locator("#report-heading")
    expect(heading).to_have_text("1 April 2026 to 30 June 2026")
    charts = page.locator("#report svg[role=img]")
    assert charts.count() >= 5
    check_accessibility(page, "reports")
    screenshot(page, "dashboard-reports")

    marker = page.evaluate("window.__marker = Math.random()")
    page.get_by_label("From", exact=True).fill("2026-01-01")
    expect(heading).to_have_text("1 January 2026 to 30 June 2026")
    assert page.evaluate("window.__marker") == marker  # updated in place, not reloaded
    assert "start=2026-01-01" in page.url  # bookmarkable
    trend = page.locator("#figure-referrals-over-time svg title")
    expect(trend).to_have_text("Referrals received over time")
    assert page.locator("#figure-referrals-over-time tbody tr").count() == 6  # Jan to Jun
    # "Updating…" goes at once with the answer, not fading out half-readable over it
    expect(page.locator("#report-loading")).to_have_css("opacity", "0")
    check_accessibility(page, "reports-after-change")
    screenshot(page, "dashboard-reports-changed")

    page.get_by_label("Up to (not including)", exact=True).fill("2025-12-01")
    expect(page.locator("#report .nhsuk-error-summary")).to_contain_text(
        "The end date must be after the start date")
    assert page.console_errors == []


def test_practitioner_sees_today_s_hearings_and_refreshes_them(page, users, team_a):
    referral = make_referral(make_person(given_name="Ada", family_name="Lovelace"), team_a,
                             assigned_to=users["practitioner"])
    make_hearing(referral, date=london_today(), time=dt.time(10, 30))
    sign_in(page, users["practitioner"].email, PASSWORD)
    panel = page.locator("#panel-hearings")
    expect(panel).to_contain_text("Ada Lovelace")
    expect(page.locator("#panel-referrals")).to_contain_text("Ada Lovelace")
    check_accessibility(page, "home-practitioner")
    screenshot(page, "dashboard-home-practitioner")
    make_hearing(make_referral(make_person(given_name="Late", family_name="Listing"), team_a),
                 date=london_today(), time=dt.time(14, 0))
    marker = page.evaluate("window.__marker = Math.random()")
    panel.get_by_role("link", name="Refresh today’s hearings").click()
    expect(page.locator("#panel-hearings")).to_contain_text("Late Listing")
    assert page.evaluate("window.__marker") == marker
    assert page.console_errors == []


def test_trainer_and_coordinator_home_pages_are_accessible(page, users, team_a):
    for role in ("trainer", "coordinator"):
        sign_in(page, users[role].email, PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
        check_accessibility(page, f"home-{role}")
        screenshot(page, f"dashboard-home-{role}")
        page.context.clear_cookies()
