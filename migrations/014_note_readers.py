"""014 note readers: on SQLite each case note keeps the teams that may read it (`readers`,
kept by triggers as referrals are shared and transferred), and the notes' full-text index
holds them, so a note search is narrowed to the user's teams inside the index: its time
follows the page of results, not how many notes other teams hold. PostgreSQL is unchanged."""

import peewee as pw
from peewee_migrate import Migrator

# The index as migration 013 made it.
PREVIOUS = dict(table="case_note", columns=["body"], prefix="2 3 4 5 6 7")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.notes import NOTE_READER_TRIGGERS, NOTE_TEXT, readers_sql
    from models.search import FullText
    for statement in FullText(**PREVIOUS).drop_sql(database):
        migrator.sql(statement)
    migrator.sql("ALTER TABLE case_note ADD COLUMN readers TEXT NOT NULL DEFAULT ''")
    migrator.sql(f"UPDATE case_note SET readers = {readers_sql('case_note')}")
    for statement in NOTE_TEXT.create_sql(database):  # ends by indexing every note
        migrator.sql(statement)
    for statement in NOTE_READER_TRIGGERS:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.notes import NOTE_READER_TRIGGER_NAMES, NOTE_TEXT
    from models.search import FullText
    for name in NOTE_READER_TRIGGER_NAMES:
        migrator.sql(f"DROP TRIGGER IF EXISTS {name}")
    for statement in NOTE_TEXT.drop_sql(database):
        migrator.sql(statement)
    migrator.sql("ALTER TABLE case_note DROP COLUMN readers")
    for statement in FullText(**PREVIOUS).create_sql(database):
        migrator.sql(statement)
