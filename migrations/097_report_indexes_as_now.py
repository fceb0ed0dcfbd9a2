"""097 (case work, continued) the report indexes of migration 060 as they are now. 060 was
changed three times the day it was written, and CREATE INDEX IF NOT EXISTS never corrects
an index already made: a database that ran an early version kept narrower indexes (no
person, source and route beside a referral's team and date, no outcome beside its
closing date, no index of people's groups), so reports read the tables rather than the
indexes alone. An index whose columns differ is made again; one that matches is left."""

import peewee as pw
from peewee_migrate import Migrator

# As 060 makes them now (its fourth index, the assignee's, is dropped by 095).
INDEXES = [
    ("referral_team_received_at", "referral",
     ["team_id", "received_at", "person_id", "source", "screening_route"]),
    ("referral_team_closed_at", "referral", ["team_id", "closed_at", "outcome"]),
    ("person_report_groups", "person", ["id", "gender", "ethnicity"]),
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if fake:
        return  # replayed (fake) before a later migration runs, it must not query
    for name, table, columns in INDEXES:
        held = {index.name: index.columns for index in database.get_indexes(table)}
        if held.get(name) == columns:
            continue
        if name in held:
            migrator.sql(f"DROP INDEX {name}")
        migrator.sql(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """The indexes are left as they are: they are what 060 makes."""
