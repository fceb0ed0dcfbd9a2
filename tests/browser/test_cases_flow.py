"""A practitioner registers a person (and is warned of a likely duplicate), opens the
referral, records needs, adds a note inline and amends it, in a real browser, with an
accessibility check on every page."""
import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_note, make_person, make_referral


def register(page, given, family, born, source, reason, nhs_number=""):
    """Open the register form from the people page, fill it in and submit it."""
    page.get_by_role("link", name="Register a person").first.click()
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill(born)
    if nhs_number:
        page.get_by_label("NHS number (optional)").fill(nhs_number)
    page.get_by_label("Source").select_option(source)
    page.get_by_label("Reason for referral").fill(reason)
    page.get_by_role("button", name="Register person").click()


def test_register_assess_note_and_amend(page, users, team_a):
    existing = make_person(given_name="Amarah", family_name="Okafor",
                           date_of_birth=dt.date(1988, 4, 12))
    make_referral(existing, team_a)
    sign_in(page, users["practitioner"].email, PASSWORD)

    page.goto("/people")
    page.get_by_label("Find a person").fill("okaf")
    expect(page.locator("#person-results")).to_contain_text("Amarah Okafor")
    check_accessibility(page, "people")
    screenshot(page, "cases-people")

    register(page, "Amara", "Okafor", "1988-04-12", "police_custody",
             "Distressed in the cells overnight.", nhs_number="943 476 5919")
    warning = page.locator("#likely-matches")
    expect(warning).to_contain_text("Amarah Okafor")
    expect(warning).to_contain_text("similar names and the same date of birth")
    screenshot(page, "cases-register-duplicates")
    check_accessibility(page, "register-duplicate-warning")
    screenshot(page, "cases-register-duplicates")

    page.get_by_label("None of these is the person: register a new person").check()
    page.get_by_role("button", name="Register person").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral to Team A")
    expect(page.locator("#flash-messages")).to_contain_text(
        "Registered, and their referral is open.")
    expect(page.locator("#maincontent")).to_contain_text("Amara Okafor")
    check_accessibility(page, "referral")
    screenshot(page, "cases-referral")

    # A hearing is added, then adjourned a week.
    page.get_by_text("Add a hearing").click()
    page.get_by_label("Court", exact=True).fill("Highbury Corner Magistrates' Court")
    page.get_by_label("Hearing date").fill(dt.date.today().isoformat())
    page.get_by_label("Purpose").select_option("first_appearance")
    page.get_by_role("button", name="Add hearing").click()
    page.locator("#hearings ~ table").get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a hearing")
    check_accessibility(page, "hearing-change")
    later = dt.date.today() + dt.timedelta(days=7)
    page.get_by_label("Hearing date").fill(later.isoformat())
    page.get_by_label("Reason for the change").fill("Adjourned for a pre-sentence report")
    screenshot(page, "cases-hearing-change")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#flash-messages")).to_contain_text("Hearing changed.")
    expect(page.locator("#hearings ~ table")).to_contain_text(f"{later.day} ")

    # A follow-up is added, then moved to another day.
    page.get_by_text("Add a follow-up").click()
    page.get_by_label("What needs doing").fill("Check GP registration went through")
    page.get_by_label("Due date").fill(later.isoformat())
    page.get_by_role("button", name="Add follow-up").click()
    expect(page.locator("#flash-messages")).to_contain_text("Follow-up added.")
    check_accessibility(page, "referral-with-hearing-and-follow-up")
    screenshot(page, "cases-referral-hearing-follow-up")
    page.locator("a", has_text="Check GP registration went through").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a follow-up")
    check_accessibility(page, "follow-up-change")
    page.get_by_label("Due date").fill((later + dt.timedelta(days=1)).isoformat())
    screenshot(page, "cases-follow-up-change")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("#flash-messages")).to_contain_text("Follow-up changed.")

    page.get_by_role("link", name="Record needs").click()
    page.locator("#mental_health_level-3").check()
    page.locator("#housing_level-2").check()
    page.get_by_label("Note on housing (optional)").fill("Sofa surfing at a cousin's flat")
    for radio in page.locator("input[type=radio][value=none]").all():
        name = radio.get_attribute("name")
        if not page.locator(f"input[name={name}]:checked").count():
            radio.check()
    check_accessibility(page, "needs-form")
    page.get_by_role("button", name="Save needs assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs assessment")
    expect(page.locator("table")).to_contain_text("Sofa surfing at a cousin's flat")
    check_accessibility(page, "needs")
    screenshot(page, "cases-needs")

    page.get_by_role("link", name="Back to the referral").click()
    page.get_by_role("link", name="Amara Okafor").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    marker = page.evaluate("window.__marker = Math.random()")
    page.get_by_label("Note", exact=True).fill("Seen at 09:10 on Tuesday.\nAgreed to a GP referral.")
    page.get_by_role("button", name="Add note").click()
    timeline = page.locator("#timeline-entries")
    expect(timeline).to_contain_text("Seen at 09:10 on Tuesday.")
    assert page.evaluate("window.__marker") == marker  # no page reload
    expect(page.locator("#timeline")).to_contain_text("Note added")
    expect(page.get_by_label("Note", exact=True)).to_have_value("")
    check_accessibility(page, "person-with-note")
    screenshot(page, "cases-person")

    timeline.get_by_role("link", name="Amend").first.click()
    page.get_by_label("Corrected note").fill("Seen at 09:10 on Wednesday.\nAgreed to a GP referral.")
    page.get_by_label("Reason for the amendment").fill("Wrong day")
    check_accessibility(page, "amend-inline")
    page.get_by_role("button", name="Save amendment").click()
    expect(timeline).to_contain_text("Seen at 09:10 on Wednesday.")
    expect(timeline).to_contain_text("Amended")
    timeline.get_by_role("link", name="Show earlier versions").first.click()
    expect(timeline).to_contain_text("Seen at 09:10 on Tuesday.")
    expect(timeline).to_contain_text("Reason: Wrong day")
    assert page.evaluate("window.__marker") == marker
    check_accessibility(page, "note-history")
    screenshot(page, "cases-note-amended")
    assert page.console_errors == []


def test_known_to_another_team_and_note_search(page, users, team_a, team_b, other_team_user):
    theirs = make_referral(make_person(given_name="Grace", family_name="Mensah",
                                       date_of_birth=dt.date(1992, 7, 1),
                                       nhs_number="9434765919"), team_b)
    mine = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    for referral, author, body in ((mine, users["practitioner"],
                                    "Housing officer called about the hostel place."),
                                   (theirs, other_team_user, "Hostel in another borough.")):
        make_note(referral, author, body)
    sign_in(page, users["practitioner"].email, PASSWORD)

    page.goto("/people")
    page.get_by_label("Find a person").fill("943 476 5919")
    hint = page.locator("#known-elsewhere")
    expect(hint).to_contain_text("Known to another team")
    expect(page.locator("#person-results")).not_to_contain_text("Mensah")
    check_accessibility(page, "known-elsewhere")
    screenshot(page, "cases-known-elsewhere")
    hint.get_by_role("button", name="Request access").click()
    expect(page.locator("#flash-messages")).to_contain_text("Your request has been sent")

    # A likely match the search box would not find exactly (a spelling variant, no NHS
    # number) is requested from the register form itself.
    register(page, "Grayce", "Mensah", "1992-07-01", "magistrates_court",
             "Listed for a first appearance today.")
    warning = page.locator("#likely-matches")
    expect(warning).to_contain_text("Known to another team")
    expect(warning).not_to_contain_text("Grace")
    check_accessibility(page, "register-hidden-match")
    screenshot(page, "cases-register-hidden-match")
    warning.get_by_role("button", name="Request access to this record").click()
    expect(page.locator("#flash-messages")).to_contain_text("Your request has been sent")

    page.get_by_role("link", name="Search case notes").click()
    page.get_by_label("Words in the note").fill("hostel")
    results = page.locator("#note-results")
    expect(results).to_contain_text("Ayo Bello")
    expect(results.locator("mark").first).to_have_text("hostel")
    expect(results).not_to_contain_text("Mensah")
    check_accessibility(page, "note-search")
    screenshot(page, "cases-note-search")
    assert page.console_errors == []
