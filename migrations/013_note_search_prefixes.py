"""013 note search prefixes: the notes' full-text index gets prefix indexes on SQLite, so a
search stops at its first page however common the words (PostgreSQL is unchanged)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.search import FullText
    from models.notes import NOTE_TEXT
    for statement in FullText("case_note", ["body"]).drop_sql(database):
        migrator.sql(statement)
    for statement in NOTE_TEXT.create_sql(database):  # ends with a rebuild from the notes
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        return
    from models.search import FullText
    from models.notes import NOTE_TEXT
    for statement in NOTE_TEXT.drop_sql(database):
        migrator.sql(statement)
    for statement in FullText("case_note", ["body"]).create_sql(database):
        migrator.sql(statement)
