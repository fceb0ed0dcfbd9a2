"""017 PostgreSQL: the search box's name-order indexes over the name keys compared byte by
byte (COLLATE "C", as SQLite compares them), so that a prefix typed in the box is a range
of the index in any database collation; in other collations PostgreSQL could not use the
indexes of migration 012 for LIKE and walked them from the start. SQLite is unchanged."""

import peewee as pw
from peewee_migrate import Migrator

INDEXES = [
    ("person_family_key_bytewise", 'family_key COLLATE "C", given_key COLLATE "C", id'),
    ("person_given_key_bytewise", 'given_key COLLATE "C", family_key COLLATE "C", id'),
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for name, columns in INDEXES:
        migrator.sql(f"CREATE INDEX IF NOT EXISTS {name} ON person ({columns})")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for name, _ in INDEXES:
        migrator.sql(f"DROP INDEX IF EXISTS {name}")
