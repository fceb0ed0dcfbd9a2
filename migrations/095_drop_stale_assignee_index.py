"""095 (case work, continued) drops the index migration 016 meant to replace. 016 dropped
`referral_assignee_status` (assignee, status, team) for `referral_assignee_open`
(assignee, status, received_at, id, team), which reads my open referrals newest first;
but a database made since 016 was written runs 060 after it, and 060 makes the old index
again. With both present PostgreSQL took the old one and sorted every open referral of
the practitioner before the page's thirty (540 of them on the bench's 300k-note database:
2.8 ms, against 0.5 ms read in page order). The new index serves all that the old did."""

import peewee as pw
from peewee_migrate import Migrator

STALE = ("referral_assignee_status", "assigned_to_id, status, team_id")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f"DROP INDEX IF EXISTS {STALE[0]}")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f"CREATE INDEX IF NOT EXISTS {STALE[0]} ON referral ({STALE[1]})")
