"""The header menu: each role sees the parts it may open, the current page is marked, and
the URLs kept per role follow the application root."""
from __future__ import annotations

import re

MENU = re.compile(r'class="nhsuk-header__navigation-link" href="([^"]+)"')


def menu_of(page: str) -> list[str]:
    return MENU.findall(page)


def test_each_role_sees_its_own_menu_whoever_asked_first(client_as):
    # The URLs are kept per role: the admin asking first must not give others its menu.
    admin = menu_of(client_as("admin").get("/").get_data(as_text=True))
    practitioner = menu_of(client_as("practitioner").get("/").get_data(as_text=True))
    trainer = menu_of(client_as("trainer").get("/").get_data(as_text=True))
    assert "/admin/users" in admin and "/admin/users" not in practitioner
    assert "/people" in practitioner and "/people" not in trainer and "/people" not in admin
    assert practitioner != trainer


def test_the_current_page_is_marked_on_every_page(client_as):
    client = client_as("practitioner")
    for path, label in [("/", "Home"), ("/people", "People"), ("/people/notes", "People"),
                        ("/directory/", "Services")]:
        page = client.get(path).get_data(as_text=True)
        assert page.count('aria-current="page"') == 1, path
        assert label in page.split('aria-current="page"')[1][:120], path


def test_menu_and_static_urls_follow_the_application_root(client_as):
    client = client_as("practitioner")
    plain = client.get("/").get_data(as_text=True)
    rooted = client.get("/", base_url="http://localhost/pathways").get_data(as_text=True)
    assert menu_of(rooted) == ["/pathways" + href for href in menu_of(plain)]
    assert 'href="/pathways/static/vendor/' in rooted and 'href="/static/vendor/' in plain
    again = client.get("/").get_data(as_text=True)
    assert menu_of(again) == menu_of(plain)


def test_a_back_link_is_one_nhsuk_frontend_10_link(client_as):
    """The stylesheet draws the back link's chevron; an icon of our own would be a second."""
    page = client_as("practitioner").get("/people/notes").get_data(as_text=True)
    assert '<a class="nhsuk-back-link" href="/people">Back to people</a>' in page
    assert "nhsuk-back-link__link" not in page and "icon--chevron-left" not in page
