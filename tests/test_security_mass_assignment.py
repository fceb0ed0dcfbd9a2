"""Mass assignment: a form posted with extra fields (team, author, dates, version, role,
id) stores only what the form itself offers."""
from __future__ import annotations

import datetime as dt

from blueprints.policy import POLICY
from tests.db_snapshot import changes, snapshot, team_columns, user_columns
from tests.factories import make_team, make_user
from tests.route_walker import (PREFERRED_ROLES, caller_role, filled_form, record_figure,
                                routes, signed_in, url_for_team)

PLANTED_ID = 987654
PLANTED_VERSION = 999
PLANTED_TIME = "2001-02-03 04:05:06"


def extras(team_b, outsider) -> dict[str, str]:
    """Fields no form should take from the browser."""
    values = {"id": PLANTED_ID, "team_id": team_b.id, "team": team_b.id,
              "created_at": PLANTED_TIME, "updated_at": PLANTED_TIME, "closed_at": PLANTED_TIME,
              "version": PLANTED_VERSION, "role": "admin", "is_admin": "1", "active": "y",
              "alt_id": "planted-session-key", "password_hash": "planted"}
    for name in ("author", "actor", "user", "created_by", "approved_by", "owner",
                 "assigned_to", "practitioner", "recorded_by"):
        values[name] = outsider.id
        values[f"{name}_id"] = outsider.id
    return {k: str(v) for k, v in values.items()}


def _is_planted_time(value) -> bool:
    if isinstance(value, str):
        return value.startswith("2001-02-03")
    return isinstance(value, (dt.date, dt.datetime)) and (value.year, value.month) == (2001, 2)


def planted_values(found, team_b, outsider, form_names, acting_user) -> list[str]:
    problems = []
    teams, users = team_columns(), user_columns()
    for table, key, old, new in found:
        if new is None:
            continue
        for column, value in new.items():
            was = (old or {}).get(column, object())
            if value == was:
                continue
            if (table, column) in teams and value == team_b.id:
                problems.append(f"{table}.{column} set to the other team")
            if (table, column) in users and value == outsider.id:
                problems.append(f"{table}.{column} set to a user the caller is not")
            if column == "version" and value == PLANTED_VERSION:
                problems.append(f"{table}.version set from the form")
            if value == PLANTED_ID and column == "id":
                problems.append(f"{table}.id set from the form")
            if _is_planted_time(value):
                problems.append(f"{table}.{column} set from the form")
            if value in ("planted-session-key", "planted"):
                problems.append(f"{table}.{column} set from the form")
            if table == "user_account" and column == "role" and "role" not in form_names:
                problems.append("a user's role changed by a form without a role field")
    return problems


def test_extra_fields_posted_to_any_form_change_nothing_they_name(app):
    team_a = make_team("Team A", "magistrates_court")
    team_b = make_team("Team B", "probation_office")
    callers = {role: make_user(role, [] if role == "admin" else [team_a])
               for role in PREFERRED_ROLES}
    outsiders = {role: make_user(role, [] if role == "admin" else [team_b])
                 for role in PREFERRED_ROLES}
    failures, posted, accepted, with_form = [], 0, 0, 0
    for route in routes(app, methods=("POST", "PUT", "PATCH", "DELETE")):
        rule = POLICY.get(route.endpoint)
        if rule is None:
            continue  # the access matrix reports routes missing from the policy
        role = caller_role(rule)
        user = callers[role] if role else None
        client = signed_in(app, user) if user else app.test_client()
        url = url_for_team(app, route.rule, team_a)
        data, names = filled_form(app, client, route, url)
        with_form += bool(names)
        outsider = outsiders[role or "practitioner"]
        for name, value in extras(team_b, outsider).items():
            if name not in names:
                data.add(name, value)
        data["csrf_token"] = client.csrf_token()
        before = snapshot()
        response = client.open(url, method=route.method, data=data)
        found = changes(before, snapshot())
        posted += 1
        accepted += response.status_code in (302, 303) or any(
            t != "audit_event" for t, *_ in found)
        assert response.status_code < 500, f"{route}: {response.status_code}"
        for problem in planted_values(found, team_b, outsider, names, user):
            failures.append(f"{route} as {role or 'anonymous'}: {problem}")
    record_figure("mass-assignment", {"routes_posted": posted, "forms_found": with_form,
                                      "accepted": accepted})
    assert accepted >= 2, "the filled-in forms should mostly be accepted"
    assert failures == [], "\n".join(failures)
