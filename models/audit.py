"""The audit trail: who viewed or changed what, when, and from where.

Rows are append-only (a database trigger refuses UPDATE and DELETE, see
migrations/001_foundation.py) and chained: each row stores the SHA-256 of its own fields
and the previous row's hash, so an edit, deletion or reordering made directly in the
database is found by `flask --app app audit verify`. Rows never hold note text.
"""
from __future__ import annotations

import hashlib
import re
from contextlib import nullcontext

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .accounts import User
from .base import BaseModel, db, is_postgres, utcnow
from .prepared import prepared

GENESIS = "0" * 64
# Arbitrary constant naming the advisory lock that serialises audit appends on PostgreSQL.
_PG_AUDIT_LOCK = 740_173_001
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value, limit: int = 500) -> str:
    """Make user-supplied text safe for a log line: no CR/LF or terminal escapes, bounded."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(lambda m: "\\x%02x" % ord(m.group()), text)
    return text[:limit]


class AuditEvent(BaseModel):
    # Assigned by record() as previous id + 1, under the append lock: a gap is a deletion.
    id = IntegerField(primary_key=True)
    at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_events", on_delete="RESTRICT")
    action = CharField(max_length=60, index=True)
    object_type = CharField(max_length=40, default="")
    object_id = CharField(max_length=64, default="")
    person_id = IntegerField(null=True, index=True)
    team_id = IntegerField(null=True, index=True)
    ip = CharField(max_length=64, default="")
    detail = CharField(max_length=500, default="")
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)

    class Meta:
        table_name = "audit_event"

    def content(self) -> str:
        """The canonical text the row's hash covers."""
        parts = [self.id, self.at.isoformat(timespec="microseconds"), self.actor_id or "",
                 self.action, self.object_type, self.object_id, self.person_id or "",
                 self.team_id or "", self.ip, self.detail, self.prev_hash]
        return "\x1f".join(str(p) for p in parts)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.content().encode("utf-8")).hexdigest()

    @classmethod
    def record(cls, action: str, *, actor=None, object_type: str = "", object_id="",
               person_id=None, team_id=None, ip: str = "", detail: str = "") -> "AuditEvent":
        """Append one event. Inside the caller's transaction, so it commits with the change
        and, if it fails, the change fails too (fail closed). Inside a transaction (a
        `writing()` block) it takes no savepoint: a failure here is raised and undoes the
        whole write anyway, and on PostgreSQL a savepoint costs two more round trips."""
        with nullcontext() if db.in_transaction() else db.atomic():
            if is_postgres():
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_AUDIT_LOCK,))
            rows = _last_event()
            last = rows[0] if rows else None
            event = cls(
                id=(last.id + 1) if last else 1,
                at=utcnow(),
                actor=actor,
                action=clean_text(action, 60),
                object_type=clean_text(object_type, 40),
                object_id=clean_text(object_id, 64),
                person_id=person_id,
                team_id=team_id,
                ip=clean_text(ip, 64),
                detail=clean_text(detail, 500),
                prev_hash=last.hash if last else GENESIS,
            )
            event.hash = event.compute_hash()
            _append.execute(**{f.name: event.__data__.get(f.name)
                               for f in cls._meta.sorted_fields})
        return event

    @classmethod
    def verify_chain(cls, batch: int = 5000):
        """Walk the chain in id order. Return (rows checked, first broken row id or None, why)."""
        expected_prev, expected_id, checked = GENESIS, 1, 0
        query = cls.select().order_by(cls.id)
        for event in query.iterator():
            if event.id != expected_id:
                return checked, event.id, f"row {expected_id} is missing or out of order"
            if event.prev_hash != expected_prev:
                return checked, event.id, "does not follow the previous row"
            if event.compute_hash() != event.hash:
                return checked, event.id, "its contents were changed"
            expected_prev, expected_id = event.hash, event.id + 1
            checked += 1
        return checked, None, ""


# Every audited request appends a row: both statements are composed once (models/prepared.py).
_last_event = prepared(lambda: AuditEvent.select(AuditEvent.id, AuditEvent.hash)
                       .order_by(AuditEvent.id.desc()).limit(1))
_append = prepared(lambda **row: AuditEvent.insert(**row))
