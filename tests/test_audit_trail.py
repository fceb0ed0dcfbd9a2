"""The audit trail is append-only and chained: tampering in the database is detected."""
import pytest
from peewee import DatabaseError

from models.audit import AuditEvent, clean_text
from models.base import db, is_postgres, writing


def record_some(n=5):
    for i in range(n):
        AuditEvent.record("test.event", detail=f"event {i}", person_id=i)


def tamper(sql):
    """Change audit rows directly, with the append-only trigger switched off (as an
    attacker with database access could)."""
    if is_postgres():
        db.execute_sql("SET session_replication_role = replica")
        db.execute_sql(sql)
        db.execute_sql("SET session_replication_role = origin")
    else:
        triggers = [r[0] for r in db.execute_sql(
            "SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_event'")]
        db.execute_sql("DROP TRIGGER audit_event_no_update")
        db.execute_sql("DROP TRIGGER audit_event_no_delete")
        db.execute_sql(sql)
        for trigger in triggers:
            db.execute_sql(trigger)


def test_audit_rows_cannot_be_changed_or_deleted(app):
    record_some(2)
    with pytest.raises(DatabaseError):
        with writing():
            AuditEvent.update(detail="rewritten").execute()
    with pytest.raises(DatabaseError):
        with writing():
            AuditEvent.delete().execute()
    assert [e.detail for e in AuditEvent.select().order_by(AuditEvent.id)] == ["event 0", "event 1"]


def test_an_intact_chain_verifies(app):
    record_some(20)
    assert AuditEvent.verify_chain() == (20, None, "")


@pytest.mark.parametrize("sql, broken_at, intact_before", [
    ("UPDATE audit_event SET detail = 'nothing to see' WHERE id = 3", 3, 2),
    ("DELETE FROM audit_event WHERE id = 4", 5, 3),
    ("UPDATE audit_event SET person_id = 99 WHERE id = 2", 2, 1),
    ("UPDATE audit_event SET hash = 'not-the-hash' WHERE id = 5", 5, 4),
    ("DELETE FROM audit_event WHERE id = 6", None, 5),  # the newest row: see below
])
def test_tampering_is_reported_at_the_first_broken_row(app, sql, broken_at, intact_before):
    record_some(6)
    tamper(sql)
    checked, broken, why = AuditEvent.verify_chain()
    assert broken == broken_at, why
    assert checked == intact_before
    # Cutting rows off the end leaves a shorter, valid chain; the next append or
    # a comparison with a saved head hash (the count in a backup) shows it.


def test_audit_verify_command_exits_non_zero_on_a_broken_chain(app):
    record_some(3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "3 event(s) verified" in result.output
    tamper("UPDATE audit_event SET detail = 'x' WHERE id = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "broken at event 2" in result.output


def test_user_text_in_audit_rows_cannot_forge_log_lines():
    assert clean_text("ok\r\nFAKE admin.login\x1b[2J") == "ok\\x0d\\x0aFAKE admin.login\\x1b[2J"
    assert len(clean_text("x" * 5000)) == 500


def test_a_failing_audit_write_undoes_the_change(app, team_a):
    from models.accounts import Team
    with pytest.raises(Exception):
        with writing():
            Team.create(name="Should vanish", site_type="prison")
            AuditEvent.record("x" * 10, detail="fine")
            AuditEvent.insert(id=1, action="duplicate id", prev_hash="", hash="").execute()
    assert Team.get_or_none(Team.name == "Should vanish") is None


def test_an_event_inside_a_write_adds_no_savepoint_of_its_own(app, monkeypatch):
    """Every person page appends an event in its write: a savepoint there would be two more
    round trips to PostgreSQL and undo nothing the failed write does not undo anyway."""
    record_some(1)   # the append's statements prepared (that may take a savepoint)
    sent = []
    real = type(db.obj).execute_sql
    monkeypatch.setattr(type(db.obj), "execute_sql",
                        lambda self, sql, *a, **k: sent.append(sql) or real(self, sql, *a, **k))
    with writing():
        AuditEvent.record("test.event", detail="inside")
    assert sent and not [sql for sql in sent if "SAVEPOINT" in sql.upper()], sent
    assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().detail == "inside"
