"""018 PostgreSQL: drop migration 011's pattern-ops indexes on the name keys. Since 017 the
search box compares the keys byte by byte (COLLATE "C") and reads migration 017's
byte-ordered indexes, which serve the same prefixes in name order; on a bench database of
100k people those two were read by no query (pg_stat_user_indexes: no scans) but were
still written with every person. SQLite never had them."""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = ("family_key", "given_key")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for column in COLUMNS:
        migrator.sql(f"DROP INDEX IF EXISTS person_{column}_prefix")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for column in COLUMNS:
        migrator.sql(f"CREATE INDEX IF NOT EXISTS person_{column}_prefix ON person "
                     f"({column} varchar_pattern_ops)")
