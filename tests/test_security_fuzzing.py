"""Hostile input: every form the app offers, found by walking its POST routes, is sent
arbitrary Unicode, huge strings, control characters, wrong types and missing fields. No
answer is a 500, and a refused form leaves every table as it was."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from blueprints.extensions import limiter
from blueprints.policy import POLICY
from tests.db_snapshot import changes, snapshot
from tests.factories import make_team, make_user
from tests.form_filler import find_form
from tests.route_walker import (PREFERRED_ROLES, caller_role, record_figure, routes, signed_in,
                                url_for_team)

ACCEPTED = (302, 303)
# Text as browsers can send it: any code point except lone surrogates (not encodable).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CONTROL = st.text(st.sampled_from([chr(c) for c in (*range(32), *range(0x7F, 0xA0))]),
                  min_size=1, max_size=20)
HOSTILE = st.sampled_from([
    "", " ", "\x00", "\u202e", "\ufeff", "0", "-1", "99999999999999999999", "1e309", "NaN",
    "2026-02-30", "31/12/2026", "25:61", "../../etc/passwd", "' OR 1=1 --", "%00",
    "<script>alert(1)</script>", "{{7*'7'}}", "${7*7}", "[]", "{}", "true", "None",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u0000\u0001\u0002",
])


def value_strategy(field):
    huge = st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀", "\n"]),
                     st.integers(1000, 200_000))
    choices = [ANY_TEXT, CONTROL, HOSTILE, huge]
    if field.options:
        choices.append(st.sampled_from(field.options))
    return st.one_of(*choices)


def form_strategy(form):
    """Each field: absent, repeated, or one hostile value."""
    fields = [f for f in form.fields.values() if f.name != "csrf_token"]
    per_field = [st.one_of(st.just(None), st.lists(value_strategy(f), min_size=1, max_size=2))
                 for f in fields]
    return st.tuples(*per_field).map(
        lambda values: [(f.name, v) for f, vs in zip(fields, values) if vs for v in vs])


def test_every_form_survives_hostile_input_and_never_half_writes(app):
    team_a = make_team("Team A", "magistrates_court")
    callers = {role: make_user(role, [] if role == "admin" else [team_a])
               for role in PREFERRED_ROLES}
    figures = {"forms": 0, "examples": 0, "accepted": 0, "refused": 0}
    problems = []
    for route in routes(app, methods=("POST",)):
        rule = POLICY.get(route.endpoint)
        if rule is None or "GET" not in route.rule.methods:
            continue
        role = caller_role(rule)
        user = callers[role] if role else None
        url = url_for_team(app, route.rule, team_a)
        page_client = signed_in(app, user) if user else app.test_client()
        form = find_form(page_client.get(url).get_data(as_text=True), url)
        if form is None or len(form.fields) <= 1:
            continue
        figures["forms"] += 1

        @settings()
        @given(pairs=form_strategy(form))
        def post_hostile(pairs):
            limiter.reset()
            client = signed_in(app, user) if user else app.test_client()
            data = MultiDict(pairs)
            data["csrf_token"] = client.csrf_token()
            before = snapshot(skip=("audit_event",))
            response = client.post(url, data=data)
            figures["examples"] += 1
            status = response.status_code
            assert status < 500, f"{route} as {role}: {status} for {pairs!r:.500}"
            body = response.get_data().decode("utf-8", errors="replace")
            refused = status >= 400 or "nhsuk-error-summary" in body
            if status in ACCEPTED or not refused:
                figures["accepted"] += 1  # (a thank-you page answers 200)
                return
            figures["refused"] += 1
            written = changes(before, snapshot(skip=("audit_event",)))
            assert not written, f"{route}: refused ({status}) but stored {written!r:.500}"

        try:
            post_hostile()
        except AssertionError as error:
            problems.append(str(error)[:1500])
    record_figure("fuzzing", figures)
    assert figures["forms"] >= 3
    assert problems == [], "\n\n".join(problems)


def test_nul_characters_never_reach_the_database(client_as, users):
    """On PostgreSQL a NUL in a query is a driver error (a 500): it is substituted first."""
    admin = client_as("admin")
    assert admin.get("/admin/users?q=a%00b").status_code == 200
    response = admin.post_form("/admin/teams/new", {"name": "Night\x00court",
                                                    "site_type": "prison"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Team name must not contain control characters" in page
    assert "Night" in page  # what was typed is given back to correct


def test_control_characters_get_a_clear_message_and_no_further_checks(client_as, users):
    response = client_as("admin").post_form("/admin/teams/new", {
        "name": "Night\x1b[2Jcourt", "site_type": "prison"})
    assert response.status_code == 200
    assert "Team name must not contain control characters" in response.get_data(as_text=True)
