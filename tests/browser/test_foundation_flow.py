"""A practitioner signs in, sees the home page and signs out, in a real browser."""
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD


def test_practitioner_signs_in_sees_home_and_signs_out(page, users):
    page.goto("/")
    assert page.url.endswith("/login?next=/")
    check_accessibility(page, "login")
    screenshot(page, "foundation-login")

    sign_in(page, users["practitioner"].email, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Practitioner"
    assert "Team A" in page.locator("header").inner_text()
    check_accessibility(page, "home")
    screenshot(page, "foundation-home")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert "/login" in page.url
    assert "You have signed out" in page.content()
    page.goto("/")
    assert "/login" in page.url
    assert page.console_errors == []


def test_login_errors_are_summarised_and_linked(page, users):
    page.goto("/login")
    page.get_by_label("Email address").fill(users["practitioner"].email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter a correct email address and password" in summary.inner_text()
    check_accessibility(page, "login-error")
    screenshot(page, "foundation-login-error")
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".nhsuk-error-summary a[href='#email']").click()
    assert page.evaluate("document.activeElement.id") == "email"


def test_admin_live_search_updates_without_reload(page, users):
    sign_in(page, users["admin"].email, PASSWORD)
    page.goto("/admin/users")
    marker = page.evaluate("window.__marker = Math.random()")
    page.get_by_label("Find a user by name or email").fill("Trainer")
    results = page.locator("#user-results")
    expect(results).not_to_contain_text("Manager A")  # (our CSP forbids string predicates)
    expect(results).to_contain_text("Trainer A")
    assert "q=Trainer" in page.url  # bookmarkable
    assert page.evaluate("window.__marker") == marker  # same document: no reload
    check_accessibility(page, "admin-users")
    screenshot(page, "foundation-admin-users")


def test_the_stylesheet_and_scripts_arrive_compressed_and_apply(page, users):
    """What a slow court network saves on the first page: Chromium unpacks what it is
    sent and the page is styled and scripted as before."""
    sent: dict[str, str | None] = {}
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/static/" in r.url else None)
    page.on("response", lambda r: sent.__setitem__(r.url.split("?")[0].rsplit("/", 1)[-1],
                                                   r.headers.get("content-encoding"))
            if "/static/" in r.url else None)
    sign_in(page, users["practitioner"].email, PASSWORD)
    for name in ("nhsuk-frontend-10.6.1.pathways.min.css", "htmx-2.0.11.min.js",
                 "pathways.js", "nhsuk-frontend-10.6.1.min.js"):
        assert sent.get(name) in ("br", "gzip"), (name, sent)
    # every file was asked for at its content-hashed address (the one kept for a year),
    # the imported NHS.UK script through the import map
    assert asked and all("?v=" in url for url in asked), asked
    # the stylesheet applied (NHS.UK frontend's header is blue) and the scripts ran
    header = page.locator("header").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "js-enabled" in page.locator("body").get_attribute("class")
    assert page.evaluate("typeof htmx") == "object"
    assert page.console_errors == []
