"""Canary test: records of another team, with a marker in every text field, never show up
for team A — not in pages, fragments, searches, exports, error pages or headers."""
from __future__ import annotations

import re


from tests.canary import SEARCH_WORD, find_markers, seed_canaries
from tests.factories import make_team, make_user
from tests.route_walker import record_figure, response_text, routes, signed_in
from tests.samples import url_values

# Administrators run the system (users, teams, audit log), so they see every team's
# accounts by design; the check is for everyone who works cases.
ROLES = ("practitioner", "coordinator", "trainer", "manager")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def canary_ids(seed) -> dict[str, object]:
    """URL argument name -> id of the canary row it would name (person_id -> Person)."""
    ids = {}
    for model, row in seed.made.items():
        for name in (_snake(model.__name__), model._meta.table_name):
            ids[f"{name}_id"] = row._pk
    return ids


def urls_for(app, rule, team_a, ids) -> list[str]:
    """The route with team A's records, with the canary rows' ids, and each with a search
    for the canary rows' word."""
    adapter = app.url_map.bind("localhost")
    own = url_values(rule, team_a)
    theirs = dict(own, **{k: v for k, v in ids.items() if k in rule.arguments})
    found = []
    for values in (own, theirs):
        url = adapter.build(rule.endpoint, values, method=None)
        for extra in ("", f"q={SEARCH_WORD}&search={SEARCH_WORD}"):
            joined = url + (("&" if "?" in url else "?") + extra if extra else "")
            if joined not in found:
                found.append(joined)
    return found


def test_another_team_s_records_never_appear_anywhere(app):
    team_a = make_team("Team A", "magistrates_court")
    seed = seed_canaries(make_team("Canary team", "probation_office"))
    assert len(seed.markers) >= 5
    members = {role: make_user(role, [team_a], name=f"{role.title()} A") for role in ROLES}
    ids = canary_ids(seed)
    leaks, requests, statuses = [], 0, {}
    for route in routes(app, methods=("GET",)):
        urls = urls_for(app, route.rule, team_a, ids)
        for role, user in members.items():
            client = signed_in(app, user)
            for url in urls:
                for htmx in (False, True):
                    response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                    requests += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    text = response_text(response)
                    for marker in find_markers(text):
                        leaks.append(f"{route} as {role}{' (htmx)' if htmx else ''} {url}: "
                                     f"{seed.markers.get(marker, marker)} shown "
                                     f"(status {response.status_code})")
    record_figure("canary", {"requests": requests, "markers": len(seed.markers),
                             "models": len(seed.made), "statuses": statuses})
    assert requests > 0
    assert leaks == [], "\n".join(leaks)


def test_the_canary_check_would_see_a_leak(app, client_as, users):
    """The marker finder is not blind: an administrator's users page shows canary users."""
    seed = seed_canaries(make_team("Canary team", "probation_office"))
    page = client_as("admin").get("/admin/users").get_data(as_text=True)
    assert seed.markers.keys() & set(find_markers(page))
