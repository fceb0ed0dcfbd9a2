"""013 note search prefixes: the notes' full-text index gets prefix indexes on SQLite, so a
search stops at its first page however common the words (PostgreSQL is unchanged)."""

import peewee as pw
from peewee_migrate import Migrator

# The index this migration makes (migration 014 adds the notes' readers to it).
WITH_PREFIXES = dict(table="case_note", columns=["body"], prefix="2 3 4 5 6 7")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.search import FullText
    for statement in FullText("case_note", ["body"]).drop_sql(database):
        migrator.sql(statement)
    for statement in FullText(**WITH_PREFIXES).create_sql(database):  # ends with a rebuild
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.search import FullText
    for statement in FullText(**WITH_PREFIXES).drop_sql(database):
        migrator.sql(statement)
    for statement in FullText("case_note", ["body"]).create_sql(database):
        migrator.sql(statement)
