"""015 note search on PostgreSQL: each case note keeps a `search_doc` (its words and the
teams that may read it, GIN-indexed, kept by triggers as notes are written and amended
and referrals are shared and transferred), so a note search is narrowed to the user's
teams inside the index, as migration 014 did for SQLite. It replaces the index on the
notes' text that migration 011 made. SQLite is unchanged."""

import peewee as pw
from peewee_migrate import Migrator

# The index as migration 011 made it.
PREVIOUS = dict(table="case_note", columns=["body"])


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    from models.notes import (PG_NOTE_SEARCH_FUNCTIONS, PG_NOTE_SEARCH_INDEX,
                              PG_NOTE_SEARCH_TRIGGERS, search_doc_sql)
    from models.search import FullText
    migrator.sql("ALTER TABLE case_note ADD COLUMN search_doc tsvector")
    migrator.sql(f"UPDATE case_note SET search_doc = {search_doc_sql('case_note')}")
    migrator.sql("ALTER TABLE case_note ALTER COLUMN search_doc SET NOT NULL")
    migrator.sql(f"CREATE INDEX {PG_NOTE_SEARCH_INDEX} ON case_note USING GIN (search_doc)")
    for statement in PG_NOTE_SEARCH_FUNCTIONS + PG_NOTE_SEARCH_TRIGGERS:
        migrator.sql(statement)
    for statement in FullText(**PREVIOUS).drop_sql(database):
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    from models.notes import PG_NOTE_SEARCH_FUNCTION_NAMES, PG_NOTE_SEARCH_TRIGGERS
    from models.search import FullText
    for trigger in PG_NOTE_SEARCH_TRIGGERS:
        name, table = trigger.split()[2], trigger.split(" ON ")[1].split()[0]
        migrator.sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for name in PG_NOTE_SEARCH_FUNCTION_NAMES:
        migrator.sql(f"DROP FUNCTION IF EXISTS {name}")
    migrator.sql("ALTER TABLE case_note DROP COLUMN search_doc")  # its index goes with it
    for statement in FullText(**PREVIOUS).create_sql(database):
        migrator.sql(statement)
