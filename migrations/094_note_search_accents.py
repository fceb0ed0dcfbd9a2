"""094 (case work, continued) note search on PostgreSQL finds words whatever their accents,
as SQLite's index does: "cafe" finds "café" and "Zoe" finds "Zoë". A note's search_doc
holds its words without accents from now on (the trigger functions of migration 015,
remade); notes already written are worked out again only where their text is not plain
ASCII, as folding leaves the rest unchanged. SQLite is unchanged."""

import peewee as pw
from peewee_migrate import Migrator

# The functions that work a note's search_doc out (of the two, the one a note's own
# insert or amendment runs, and the one a share or transfer runs).
REMADE = ("case_note_search_doc", "case_note_refresh_readers")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if fake or not isinstance(database, pw.PostgresqlDatabase):
        return  # replayed (fake) before a later migration runs, it must not query
    if "search_doc" not in {c.name for c in database.get_columns("case_note")}:
        return  # 015 not applied yet: it makes the words as they are now
    from models.notes import (PG_NOTE_SEARCH_FUNCTION_NAMES, PG_NOTE_SEARCH_FUNCTIONS,
                              search_doc_sql)
    for name, statement in zip(PG_NOTE_SEARCH_FUNCTION_NAMES, PG_NOTE_SEARCH_FUNCTIONS):
        if name in REMADE:
            migrator.sql(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    # In UTF-8 a character outside ASCII takes more than one byte.
    migrator.sql(f"UPDATE case_note SET search_doc = {search_doc_sql('case_note')} "
                 "WHERE octet_length(body) <> char_length(body)")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """The folded words are left in place: the search code before this migration looks
    accented words up as typed, so an accented word typed then finds fewer notes."""
