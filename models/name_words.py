"""The later words of people's names, indexed for the search box: "souza" of De Souza,
"jones" of Griffiths-Jones, "ann" of Mary Ann, and every word of a preferred name. The name
keys (models.people.name_key) run a name's words together and are searched from their
start, so they find a name by its first word only; this index finds the rest.

It holds only what the keys cannot find, so a word looked up here matches the few people
with a name of several words, not everyone called Smith: the search box's second step
stays small however many people the database holds.

SQLite: a contentless FTS5 table kept in step by triggers. PostgreSQL: a GIN index over an
expression of the same words. Both are created by migration 091; a change here needs a
migration of its own.
"""
from __future__ import annotations

from peewee import SQL, Expression, PostgresqlDatabase, fn

from .base import db
from .search import ACCENTED, PLAIN

TABLE = "person_later_words"
# What separates the words of a name: the rest of a name starts after the first of these.
_SEPARATORS = (" ", "-", "'", "\u2019", ".")
_NO_SEPARATOR = 1000  # beyond any name (100 characters at most)


def _rest_sqlite(column: str) -> str:
    """SQLite: the part of a name after its first word, '' for a one-word name."""
    found = [f"coalesce(nullif(instr({column}, {_literal(sep)}), 0), {_NO_SEPARATOR})"
             for sep in _SEPARATORS]
    at = f"min({', '.join(found)})"
    return f"CASE WHEN {at} < {_NO_SEPARATOR} THEN substr({column}, {at} + 1) ELSE '' END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words_sqlite(row: str) -> str:
    given = _rest_sqlite(f"coalesce({row}.given_name, '')")
    family = _rest_sqlite(f"coalesce({row}.family_name, '')")
    return f"{given} || ' ' || {family} || ' ' || coalesce({row}.preferred_name, '')"


# PostgreSQL: the same words, as the expression the index is built on (a query must use
# exactly this text for the planner to match it to the index).
_FIRST_WORD = "'^[^[:space:]''\u2019.-]+[[:space:]''\u2019.-]*'"


def _rest_pg(column: str) -> str:
    return (f"translate(regexp_replace(coalesce({column}, ''), {_FIRST_WORD}, ''), "
            f"'{ACCENTED}', '{PLAIN}')")


DOCUMENT_PG = (f"to_tsvector('simple', {_rest_pg('given_name')} || ' ' || "
               f"{_rest_pg('family_name')} || ' ' || translate(coalesce(preferred_name, ''), "
               f"'{ACCENTED}', '{PLAIN}'))")


def create_sql(database) -> list[str]:
    """Statements that create the index, fill it and keep it in step with `person`."""
    if isinstance(database, PostgresqlDatabase):
        return [f"CREATE INDEX {TABLE} ON person USING GIN ({DOCUMENT_PG})"]
    add = f"INSERT INTO {TABLE}(rowid, words) VALUES (new.id, {_words_sqlite('new')});"
    remove = (f"INSERT INTO {TABLE}({TABLE}, rowid, words) "
              f"VALUES ('delete', old.id, {_words_sqlite('old')});")
    return [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(words, content='', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6')",
        f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON person BEGIN {add} END",
        f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON person BEGIN {remove} END",
        f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF given_name, family_name, preferred_name "
        f"ON person BEGIN {remove} {add} END",
        f"INSERT INTO {TABLE}(rowid, words) SELECT id, {_words_sqlite('person')} FROM person",
    ]


def drop_sql(database) -> list[str]:
    if isinstance(database, PostgresqlDatabase):
        return [f"DROP INDEX IF EXISTS {TABLE}"]
    return [f"DROP TRIGGER IF EXISTS {TABLE}_{t}" for t in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS {TABLE}"]


def later_word_starts(word: str):
    """A WHERE condition on Person: a later word of their names, or a word of their
    preferred name, starts with `word` (a name key: letters and digits only). It is
    answered from the index: give it no ORDER BY that would walk the people instead."""
    from .people import Person
    if isinstance(db.obj, PostgresqlDatabase):
        return Expression(SQL(DOCUMENT_PG), "@@",
                          fn.to_tsquery(SQL("'simple'"), f"{word}:*"))
    return Person.id.in_(SQL(f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)",
                             [f'"{word}"*']))
