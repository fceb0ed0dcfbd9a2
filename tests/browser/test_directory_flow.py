"""A practitioner finds a service as they type, and refers a person to it from their
referral; the referral shows on the person's timeline. In a real browser, with axe."""
import datetime as dt

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.directory_factories import make_service, taxonomies  # noqa: F401
from tests.factories import PASSWORD, make_person, make_referral


def directory(app):
    make_service("Hackney Housing Advice", organization="Shelter Point",
                 description="Advice on homelessness and supported accommodation.",
                 categories=["Housing"], boroughs=["Hackney"], phone="020 7946 0001")
    make_service("Eastside Women's Centre", organization="Women Together",
                 description="Drop-in, counselling and housing support for women.",
                 categories=["Women's centres", "Housing"], boroughs=["Hackney", "Newham"],
                 women_only=True)
    make_service("Money Matters", organization="Citizens Help",
                 description="Debt advice and help with benefits claims.",
                 categories=["Debt"], boroughs=["Lambeth"],
                 verified_on=dt.date.today() - dt.timedelta(days=500))


def test_search_updates_as_you_type_without_reloading(page, users, taxonomies):
    directory(None)
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto("/directory/")
    results = page.locator("#service-results")
    expect(results).to_contain_text("3 services found")
    expect(results).to_contain_text("Not verified for 12 months")
    check_accessibility(page, "directory")
    screenshot(page, "directory-index")
    marker = page.evaluate("window.__marker = Math.random()")

    page.get_by_label("Search services").press_sequentially("hous", delay=40)
    expect(results).to_contain_text("2 services found")
    expect(results).not_to_contain_text("Money Matters")
    assert "q=hous" in page.url  # bookmarkable
    page.get_by_label("Borough").select_option("Newham")
    expect(results).to_contain_text("1 service found")
    expect(results).to_contain_text("Eastside Women's Centre")
    assert "borough=Newham" in page.url
    assert page.evaluate("window.__marker") == marker  # the same document: no reload
    check_accessibility(page, "directory-search")
    screenshot(page, "directory-search")

    page.goto(page.url)  # the bookmarked URL gives the same results without JS help
    expect(results).to_contain_text("1 service found")
    page.get_by_role("link", name="Eastside Women's Centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eastside Women's Centre")
    check_accessibility(page, "directory-service")
    screenshot(page, "directory-service")
    assert page.console_errors == []


def test_practitioner_refers_a_person_and_sees_it_on_the_timeline(page, users, team_a,
                                                                   taxonomies):
    directory(None)
    person = make_person(given_name="Amara", family_name="Okoye")
    referral = make_referral(person=person, team=team_a)
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto(f"/referrals/{referral.id}")
    page.get_by_role("link", name="Refer to a service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a service")

    page.get_by_label("Find the service").press_sequentially("women", delay=40)
    choices = page.locator("#service-choices")
    expect(choices).to_contain_text("Eastside Women's Centre")
    page.get_by_label("Eastside Women's Centre").check()
    page.get_by_label("Reason for the referral").fill("Wants support with housing and debt.")
    page.get_by_label("Email", exact=True).check()
    follow_up = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    page.get_by_label("Follow-up date").fill(follow_up)
    check_accessibility(page, "directory-refer")
    screenshot(page, "directory-refer")
    page.get_by_role("button", name="Record referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referral to Eastside Women's Centre")
    expect(page.locator("main")).to_contain_text("Referral made")
    page.get_by_label("Accepted").check()
    page.get_by_label("Note").fill("Assessment booked for Tuesday")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Assessment booked for Tuesday")
    check_accessibility(page, "directory-service-referral")
    screenshot(page, "directory-service-referral")

    page.goto(f"/people/{person.id}")
    main = page.locator("main")
    expect(main).to_contain_text("Referred to Eastside Women's Centre (email)")
    expect(main).to_contain_text("Eastside Women's Centre: accepted")
    screenshot(page, "directory-person-timeline")
    assert page.console_errors == []


def test_coordinator_adds_a_phone_number_and_maps_an_imported_term(page, users, taxonomies):
    from models.directory import Phone, Service, ServiceTerm, Taxonomy, TaxonomyTerm
    service = make_service("Hackney Housing Advice", organization="Shelter Point",
                           description="Advice on homelessness.", phone="020 7946 0001")
    vocabulary = Taxonomy.create(name="Local Government Service Types")
    term = TaxonomyTerm.create(name="Tenancy support", taxonomy=vocabulary)
    ServiceTerm.create(service=service, term=term)
    sign_in(page, users["coordinator"].email, PASSWORD)

    page.goto(f"/directory/services/{service.uuid}/edit")
    page.get_by_role("button", name="Add another phone number").click()
    expect(page.locator("[role=status]").first).to_contain_text("Nothing is saved until")
    page.locator("#phones-1-number").fill("07700 900123")
    page.locator("#phones-1-description").fill("Out of hours")
    page.locator("#phones-2-number").fill("020 7946 0002")
    check_accessibility(page, "directory-service-form")
    screenshot(page, "directory-service-form")
    page.get_by_role("button", name="Save service").click()
    expect(page.locator("main")).to_contain_text("07700 900123")
    assert [p.number for p in Phone.select().where(Phone.service == service).order_by(Phone.id)] == [
        "020 7946 0001", "07700 900123", "020 7946 0002"]

    page.goto("/directory/terms")
    check_accessibility(page, "directory-terms")
    screenshot(page, "directory-terms")
    page.get_by_label("Tenancy support").select_option(label="Housing and supported accommodation")
    page.get_by_role("button", name="Save mappings").click()
    expect(page.locator("main")).to_contain_text("Every imported term is mapped")
    assert TaxonomyTerm.get_by_id(term.id).maps_to.name == "Housing and supported accommodation"
    assert Service.get_by_id(service.id).name == "Hackney Housing Advice"


def test_results_page_through_previous_and_next(page, users, taxonomies):
    for n in range(45):
        make_service(f"Advice service {n:02d}", organization="Citizens Help",
                     description="Advice.", categories=["Debt"], boroughs=["Hackney"])
    sign_in(page, users["practitioner"].email, PASSWORD)
    page.goto("/directory/?q=advice")
    results = page.locator("#service-results")
    expect(results).to_contain_text("45 services found")
    marker = page.evaluate("window.__marker = Math.random()")
    pagination = page.get_by_role("navigation", name="Results pages")
    pagination.get_by_role("link", name="Next").click()
    expect(pagination.get_by_role("link", name="Previous")).to_contain_text("Page 1")
    expect(pagination.get_by_role("link", name="Next")).to_contain_text("Page 3")
    assert "page=2" in page.url and page.evaluate("window.__marker") == marker
    # The design system's arrows, which the stylesheet places beside each title.
    expect(pagination.locator("svg.nhsuk-icon--arrow-left")).to_have_count(1)
    expect(pagination.locator("svg.nhsuk-icon--arrow-right")).to_have_count(1)
    check_accessibility(page, "directory-page-2")
    pagination.scroll_into_view_if_needed()
    screenshot(page, "directory-pagination")
    assert page.console_errors == []
