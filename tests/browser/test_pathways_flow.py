"""Two coordinators at two computers offer the same unit: the first wins, the second is
told who changed it and sees the board as it is now, without a page reload. Then a
practitioner's pathway page and caseload, checked for accessibility."""
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, check_accessibility, sign_in
from tests.factories import PASSWORD, make_user
from tests.pathways_factories import (make_programme, make_property, make_waiting,
                                      make_woman_referral)


def screenshot(page, name):
    """A full-page screenshot that leaves the page alone: Playwright's default hides the
    text caret by putting a style attribute on every input, which htmx then copies while
    settling a swap and our CSP (rightly) refuses."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def test_two_coordinators_offer_the_same_unit(new_page, team_a):
    _, units = make_property(team_a, units=("Flat 1", "Flat 2"))
    first = make_waiting(team_a, priority=1, needs="Two children under 5 with her")
    make_waiting(team_a, priority=3, needs="Needs step-free access")
    alice = make_user("coordinator", [team_a], name="Alice Coordinator")
    bola = make_user("coordinator", [team_a], name="Bola Coordinator")

    pages = []
    for user in (alice, bola):
        page = new_page()
        errors = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text)
                if msg.type == "error" and "409" not in msg.text else None)
        page.console_errors = errors
        sign_in(page, user.email, PASSWORD)
        page.goto("/housing/")
        pages.append(page)
    a, b = pages
    check_accessibility(a, "housing board")
    screenshot(a, "pathways-board")
    marker = b.evaluate("window.__marker = Math.random()")

    a.get_by_label("Offer Flat 1 to").select_option(label=f"{first.person.full_name} (urgent)")
    a.get_by_role("button", name="Offer Flat 1").click()
    expect(a.locator("#board-notice")).to_contain_text(f"Flat 1 offered to {first.person.full_name}")

    # Bola's board still shows Flat 1 as vacant: her offer is stale.
    b.get_by_role("button", name="Offer Flat 1").click()
    notice = b.locator("#board-notice")
    expect(notice).to_contain_text("was changed by Alice Coordinator at")
    expect(notice).to_contain_text("here is the current state")
    expect(b.locator("#unit-%d" % units[0].id)).to_contain_text("Offered")
    assert b.evaluate("window.__marker") == marker  # swapped in place, no reload
    check_accessibility(b, "housing board with a conflict")
    screenshot(b, "pathways-board-conflict")

    # Recording the move in also happens inline.
    b.locator("#unit-%d summary" % units[0].id).click()
    b.locator("#unit-%d button" % units[0].id, has_text="Record move in").click()
    expect(b.locator("#board-notice")).to_contain_text("moved into Flat 1")
    for page in pages:
        assert page.console_errors == []


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, most: int = 12) -> None:
    """Press Tab until the element with `element_id` has focus (fails after `most`)."""
    for _ in range(most):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused_id(page) == element_id


def test_board_changes_by_keyboard_keep_focus_and_are_announced(new_page, team_a):
    _, units = make_property(team_a, units=("Flat 1", "Flat 2"))
    flat1, flat2 = units
    first = make_waiting(team_a, priority=1, needs="Two children under 5 with her")
    second = make_waiting(team_a, priority=3, needs="Needs step-free access")
    alice = make_user("coordinator", [team_a], name="Alice Coordinator")
    bola = make_user("coordinator", [team_a], name="Bola Coordinator")
    a, b = new_page(), new_page()
    for page, user in ((a, alice), (b, bola)):
        page.console_errors = []
        page.on("console", lambda msg, page=page: page.console_errors.append(msg.text)
                if msg.type == "error" and "409" not in msg.text else None)
        sign_in(page, user.email, PASSWORD)
        page.goto("/housing/")
    status = a.locator("#app-status")

    # Offer Flat 1 with the keyboard: the choice, Tab to the button, Enter.
    a.get_by_label("Offer Flat 1 to").focus()
    a.keyboard.press("Tab")
    assert focused_id(a) == f"offer-{flat1.id}-button"
    a.keyboard.press("Enter")
    expect(a.locator("#board-notice")).to_contain_text(
        f"Flat 1 offered to {first.person.full_name}")
    expect(status).to_have_text(f"Flat 1 offered to {first.person.full_name}.")
    assert focused_id(a) == f"unit-{flat1.id}-heading"

    # From there, Tab on to "Moved in", open it and record the move in, all by keyboard.
    tab_to(a, f"in-{flat1.id}-toggle")
    a.keyboard.press("Enter")
    tab_to(a, f"in-{flat1.id}-button")  # past the two dates (Tab also steps through
    #                                      a date's day, month and year)
    a.keyboard.press("Enter")
    expect(status).to_contain_text("moved into Flat 1")
    assert focused_id(a) == f"unit-{flat1.id}-heading"
    check_accessibility(a, "housing board after a change")
    screenshot(a, "pathways-board-focus-after-change")

    # Bola's board is stale: her offer of Flat 1 is refused, and focus is on the message.
    b.locator(f"#offer-{flat1.id}-button").focus()
    b.keyboard.press("Enter")
    expect(b.locator("#board-notice")).to_contain_text("was changed by Alice Coordinator")
    expect(b.locator("#app-status")).to_contain_text("here is the current state")
    assert focused_id(b) == "board-notice"
    check_accessibility(b, "housing board with focus on a conflict")
    screenshot(b, "pathways-board-focus-on-conflict")

    # A waiting-list change: focus goes to the waiting list.
    a.locator(f"#withdraw-{second.id}-button").focus()
    a.keyboard.press("Enter")
    expect(status).to_contain_text("is no longer on the waiting list")
    assert focused_id(a) == "waiting-heading"

    # Bola's board refreshes when her window gets focus; while she is choosing in a field
    # the refresh waits, and afterwards her focus stays where it was.
    entry_on_b = b.locator(f"#waiting-{second.id}")
    b.get_by_label("Offer Flat 2 to").focus()
    b.evaluate("window.dispatchEvent(new Event('focus'))")
    b.wait_for_timeout(500)
    expect(entry_on_b).to_be_visible()  # not refreshed under her
    b.locator(f"#unit-{flat2.id}-history").focus()
    b.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(entry_on_b).to_have_count(0)
    assert focused_id(b) == f"unit-{flat2.id}-history"
    for page in (a, b):
        assert page.console_errors == []


def test_practitioner_pathway_page_and_caseload(page, users, team_a):
    sar = make_programme("sar")
    referral = make_woman_referral(team_a, given_name="Grace", family_name="Mensah")
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto(f"/pathways/enrol/{referral.id}?programme={sar.id}")
    for label in ("A community sentence is being considered",
                  "Supervision of at least 6 months is proposed",
                  "She is committed to engaging with the sessions"):
        page.get_by_role("group", name=label).get_by_label("Yes").check()
    for driver in ("Housing", "Finances and debt", "Relationships", "Substance use"):
        page.get_by_label(driver, exact=True).check()
    page.get_by_role("button", name="Enrol her").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("you chose 4")
    check_accessibility(page, "enrol with an error")
    page.get_by_label("Substance use", exact=True).uncheck()
    page.get_by_role("button", name="Enrol her").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Mensah")
    expect(page.locator("body")).to_contain_text("0 attended, 0 booked, 8 left of 8")
    check_accessibility(page, "enrolment")
    screenshot(page, "pathways-enrolment")
    page.goto(f"/pathways/{sar.id}/caseload")
    expect(page.locator("#caseload-results")).to_contain_text("Grace Mensah")
    # Filtering as she types keeps her in the field and announces the count.
    page.get_by_label("Name").focus()
    page.keyboard.type("Zzz")
    expect(page.locator("#caseload-results")).to_contain_text("No one matches these filters")
    expect(page.locator("#app-status")).to_have_text("0 women shown")
    assert focused_id(page) == "q"
    page.keyboard.press("Control+A")
    page.keyboard.type("Mens")
    expect(page.locator("#app-status")).to_have_text("1 woman shown")
    assert focused_id(page) == "q"
    check_accessibility(page, "caseload")
    screenshot(page, "pathways-caseload")
    assert page.console_errors == []
