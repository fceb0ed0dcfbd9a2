"""The header navigation: which parts each role sees. Each part adds its own entry here."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from .access import access_of


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    blueprint: str


# In display order. An entry is shown to the roles its view allows (see access.py), so the
# menu can never offer a page that would answer 403.
NAV_ITEMS = [
    # "Home" is current on the home page only, not on the reports (same blueprint).
    NavItem("Home", "dashboard.index", "dashboard_home"),
    NavItem("People", "cases.index", "cases"),
    NavItem("Services", "directory.index", "directory"),
    NavItem("Letters", "letters.index", "letters"),
    NavItem("Pathways", "pathways.index", "pathways"),
    NavItem("Housing", "pathways.board", "pathways_housing"),
    NavItem("Library", "library.index", "library"),
    NavItem("Reports", "dashboard.reports", "dashboard_reports"),
    NavItem("Retention", "security.review", "security"),
    NavItem("Users and teams", "admin.users", "admin"),
]


def _entries_for(role: str) -> list[tuple[NavItem, str]]:
    """The entries `role` may open, with their URLs: the same on every page, so worked out
    once per role and application root (the menu's url_for calls were a third of the
    layout's cost)."""
    kept = current_app.extensions.setdefault("navigation", {})
    key = (role, request.script_root)
    if key not in kept:
        entries = []
        for item in NAV_ITEMS:
            if item.endpoint not in current_app.view_functions:
                continue  # that part is not installed
            access = access_of(item.endpoint)
            if access is None or (not access.public and role not in access.roles):
                continue
            entries.append((item, url_for(item.endpoint)))
        kept[key] = entries
    return kept[key]


def navigation_for(user) -> list[dict]:
    """The menu entries `user` may open, with the current one marked."""
    if not user.is_authenticated:
        return []
    items = []
    for item, href in _entries_for(user.role):
        # The entry for this very page (or a page under its path) is current; failing
        # that, the index of the page's blueprint. One blueprint may serve two entries
        # (Pathways and Housing), so the path decides between them.
        strong = request.endpoint == item.endpoint or (
            href != "/" and request.path.startswith(href))
        weak = request.blueprint == item.blueprint and item.endpoint.endswith(".index")
        items.append({"label": item.label, "href": href, "strong": strong, "weak": weak})
    any_strong = any(i["strong"] for i in items)
    return [{"label": i["label"], "href": i["href"],
             "current": i["strong"] if any_strong else i["weak"]} for i in items]
