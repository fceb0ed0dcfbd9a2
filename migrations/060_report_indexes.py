"""060 indexes for monitoring reports: referrals by team and when they were received or
closed, so a period's figures are read from an index range rather than the whole table.
The indexes also hold the columns the figures count (person, source, route, outcome; a
person's gender and ethnicity), so those queries never visit the tables themselves."""

import peewee as pw
from peewee_migrate import Migrator

INDEXES = [
    ("referral_team_received_at", "referral",
     "team_id, received_at, person_id, source, screening_route"),
    ("referral_team_closed_at", "referral", "team_id, closed_at, outcome"),
    # The home page's "my open referrals".
    ("referral_assignee_status", "referral", "assigned_to_id, status, team_id"),
    # People seen by gender and ethnic group: read from this small index, not the table.
    ("person_report_groups", "person", "id, gender, ethnicity"),
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, table, columns in INDEXES:
        migrator.sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for name, _, _ in INDEXES:
        migrator.sql(f"DROP INDEX IF EXISTS {name}")
