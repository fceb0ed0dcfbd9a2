"""Audit integrity: rows are append-only on both databases, tampering made directly in the
database is reported at the first broken link, an action whose audit row cannot be
written does not happen, and user text cannot forge log lines."""
from __future__ import annotations

import pytest
from peewee import DatabaseError

from blueprints.audit import audit
from blueprints.policy import POLICY
from models.audit import AuditEvent
from models.base import db, is_postgres, writing
from tests.db_snapshot import changes, snapshot
from tests.factories import make_team, make_user
from tests.route_walker import (PREFERRED_ROLES, caller_role, filled_form, record_figure,
                                routes, signed_in, url_for_team)


def record_some(n: int) -> None:
    for i in range(n):
        AuditEvent.record("test.event", detail=f"event {i}", person_id=i)


def tamper(*statements: str) -> None:
    """Change audit rows as someone with direct database access could: triggers off."""
    if is_postgres():
        db.execute_sql("SET session_replication_role = replica")
        for sql in statements:
            db.execute_sql(sql)
        db.execute_sql("SET session_replication_role = origin")
        return
    triggers = [r[0] for r in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_event'")]
    names = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_event'")]
    for name in names:
        db.execute_sql(f"DROP TRIGGER {name}")
    for sql in statements:
        db.execute_sql(sql)
    for trigger in triggers:
        db.execute_sql(trigger)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET detail = 'rewritten' WHERE id = 1",
    "UPDATE audit_event SET actor_id = NULL",
    "DELETE FROM audit_event WHERE id = 2",
    "DELETE FROM audit_event",
])
def test_the_database_refuses_to_change_or_remove_audit_rows(app, statement):
    record_some(3)
    with pytest.raises(DatabaseError, match="append-only"):
        with writing():
            db.execute_sql(statement)
    assert AuditEvent.verify_chain() == (3, None, "")


def test_postgres_refuses_to_truncate_the_audit_trail(app):
    if not is_postgres():
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has no such statement)")
    record_some(2)
    with pytest.raises(DatabaseError, match="append-only"):
        with writing():
            db.execute_sql("TRUNCATE audit_event")


REORDER = ("UPDATE audit_event SET id = -1 WHERE id = 3",
           "UPDATE audit_event SET id = 3 WHERE id = 4",
           "UPDATE audit_event SET id = 4 WHERE id = -1")


@pytest.mark.parametrize("statements, first_broken, intact", [
    (("UPDATE audit_event SET detail = 'nothing happened' WHERE id = 4",), 4, 3),
    (("UPDATE audit_event SET at = '2020-01-01 00:00:00' WHERE id = 2",), 2, 1),
    (("DELETE FROM audit_event WHERE id = 3",), 4, 2),
    (REORDER, 3, 2),
], ids=["edited", "backdated", "deleted", "reordered"])
def test_audit_verify_names_the_first_broken_link(app, statements, first_broken, intact):
    record_some(6)
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["audit", "verify"])
    assert clean.exit_code == 0 and "Audit chain intact: 6 event(s) verified" in clean.output
    tamper(*statements)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Audit chain broken at event {first_broken}" in result.output
    assert f"({intact} event(s) before it verified)" in result.output


def test_user_text_in_audit_rows_has_line_breaks_and_escapes_neutralised(app):
    with writing():
        audit("case.viewed\r\n2026-01-01 admin.login", object_type="person\n",
              object_id="12\r\nforged", detail="name: Ann\x1b[2J\x1b[31m\u0085\nFAKE ENTRY")
    row = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    for value in (row.action, row.object_type, row.object_id, row.detail):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in value), repr(value)
    assert row.detail == "name: Ann\\x1b[2J\\x1b[31m\\x85\\x0aFAKE ENTRY"
    assert AuditEvent.verify_chain()[1] is None


def test_when_the_audit_row_cannot_be_written_no_action_happens(app, monkeypatch):
    """Fail closed: every form of every route, filled in and posted while the audit trail
    is failing, leaves every table as it was."""
    team_a = make_team("Team A", "magistrates_court")
    callers = {role: make_user(role, [] if role == "admin" else [team_a])
               for role in PREFERRED_ROLES}
    refused, posted, failures = 0, 0, []
    for route in routes(app, methods=("POST", "PUT", "PATCH", "DELETE")):
        rule = POLICY.get(route.endpoint)
        if rule is None:
            continue
        role = caller_role(rule)
        client = signed_in(app, callers[role]) if role else app.test_client()
        url = url_for_team(app, route.rule, team_a)
        data, _ = filled_form(app, client, route, url)
        data["csrf_token"] = client.csrf_token()
        before = snapshot()
        with monkeypatch.context() as patch:
            def failing_record(*args, **kwargs):
                raise DatabaseError("audit storage unavailable")
            patch.setattr(AuditEvent, "record", classmethod(failing_record))
            response = client.open(url, method=route.method, data=data)
        posted += 1
        changed = [f"{t} {k}" for t, k, *_ in changes(before, snapshot())]
        if changed:
            failures.append(f"{route} as {role}: stored {changed} without its audit row "
                            f"(status {response.status_code})")
        refused += response.status_code == 500
    record_figure("audit-fail-closed", {"routes_posted": posted, "refused_with_500": refused})
    assert refused >= 2  # the admin forms, at least, do write and so must fail
    assert failures == [], "\n".join(failures)
