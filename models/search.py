"""Full-text search with one API on SQLite (FTS5) and PostgreSQL (tsvector).

    NOTE_TEXT = FullText("case_note", ["body"])
    # in a migration:   for sql in NOTE_TEXT.create_sql(database): migrator.sql(sql)
    # in a query:       CaseNote.select().where(NOTE_TEXT.matches(CaseNote.id, q))
    #                   .order_by(NOTE_TEXT.rank(CaseNote.id, q))

Both sides tokenise the same way (lower-cased words, no stemming) and every typed word must
match as a prefix ("mar" finds "Maria"), so a search finds the same rows on both databases,
accents aside: SQLite folds them ("cafe" finds "café"), PostgreSQL does not. Highlighting
is done in Python (`highlight`, folding accents as SQLite does), so it looks the same on
both.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from markupsafe import Markup, escape
from peewee import SQL, Expression, NodeList, PostgresqlDatabase, fn

from .base import db

MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(q: str | None) -> list[str]:
    """The words of a search box entry: letters and digits only (no query syntax gets
    through), lower-cased, at most MAX_TERMS of at most 40 characters."""
    words = [w.lower()[:40] for w in _WORD.findall(q or "") if w.strip("_")]
    return [w.strip("_") for w in words if w.strip("_")][:MAX_TERMS]


class FullText:
    """A full-text index over some text columns of one table (keyed by integer `id`)."""

    def __init__(self, table: str, columns: list[str], prefix: str = "",
                 tags: tuple[str, str] | None = None):
        """`prefix`: SQLite FTS5 prefix index lengths, e.g. "2 3 4 5 6 7". Every word is
        searched as a prefix; without an index of that length FTS5 merges the lists of
        every matching term before it can stop at a page, which on a large table costs
        tens of milliseconds per common word (with one: well under one). The index is
        several times larger. PostgreSQL ignores it.

        `tags` (SQLite only): a column of the table and the SQL expression, over the new
        row `new`, that fills it when a row is inserted. The index holds its words too, so
        a search can be narrowed by them inside the index (`tagged_ids`) rather than row by
        row after it; searches for typed words never look in it. A row is in the index
        once its tags are filled, which the insert trigger does straight away."""
        self.table = table
        self.columns = list(columns)
        self.fts = f"{table}_fts"
        self.prefix = prefix
        self.tags = tags

    # -- schema -------------------------------------------------------------------------
    def _document(self, prefix: str = "") -> str:
        parts = [f"coalesce({prefix}{c}, '')" for c in self.columns]
        joined = " || ' ' || ".join(parts)
        return f"to_tsvector('simple', {joined})"

    def create_sql(self, database) -> list[str]:
        """Statements that create the index (and keep it in step with the table)."""
        if isinstance(database, PostgresqlDatabase):
            return [f"CREATE INDEX {self.table}_fulltext ON {self.table} "
                    f"USING GIN ({self._document()})"]
        names = self.columns + ([self.tags[0]] if self.tags else [])
        cols = ", ".join(names)
        new = ", ".join(f"new.{c}" for c in names)
        old = ", ".join(f"old.{c}" for c in names)
        prefix = f", prefix='{self.prefix}'" if self.prefix else ""
        fts, table = self.fts, self.table
        add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
        remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        create = (f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
                  f"content_rowid='id', tokenize='unicode61 remove_diacritics 2'{prefix})")
        if not self.tags:
            return [
                create,
                f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {add} END",
                f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END",
                f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN {remove} {add} END",
                f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
            ]
        # A row is in the index exactly while its tags are filled: an insert without them
        # fills them (and that update indexes the row), one with them (a restore) is
        # indexed as it is. What the index holds for a row is always the row's own
        # values, so its 'delete' always finds them.
        tag, expression = self.tags
        held = f"old.{tag} <> ''"
        add_if_tagged = (f"INSERT INTO {fts}(rowid, {cols}) SELECT new.id, {new} "
                         f"WHERE new.{tag} <> '';")
        return [
            create,
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} WHEN new.{tag} = '' BEGIN "
            f"UPDATE {table} SET {tag} = {expression} WHERE id = new.id; END",
            f"CREATE TRIGGER {fts}_ai_tagged AFTER INSERT ON {table} WHEN new.{tag} <> '' "
            f"BEGIN {add} END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} WHEN {held} BEGIN {remove} END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} WHEN {held} BEGIN {remove} "
            f"{add_if_tagged} END",
            f"CREATE TRIGGER {fts}_au_first AFTER UPDATE ON {table} WHEN old.{tag} = '' "
            f"AND new.{tag} <> '' BEGIN {add} END",
            f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {table} "
            f"WHERE {tag} <> ''",
        ]

    def drop_sql(self, database) -> list[str]:
        if isinstance(database, PostgresqlDatabase):
            return [f"DROP INDEX IF EXISTS {self.table}_fulltext"]
        triggers = ("ai", "ad", "au") + (("ai_tagged", "au_first") if self.tags else ())
        return [f"DROP TRIGGER IF EXISTS {self.fts}_{t}" for t in triggers] + [
            f"DROP TABLE IF EXISTS {self.fts}"]

    # -- queries ------------------------------------------------------------------------
    def _sqlite_query(self, words: list[str]) -> str:
        """Every word as a prefix, in the text columns only (never in the tags)."""
        typed = " ".join(f'"{w}"*' for w in words)
        if not self.tags:
            return typed
        return "{" + " ".join(self.columns) + "} : (" + typed + ")"

    def tagged_ids(self, words: list[str], tags: list[str], extra_where: str = "",
                   params: list | None = None, before_id: int | None = None,
                   limit: int = 25) -> list[int]:
        """SQLite: ids of rows matching every one of `words` (as `terms` gives them) and
        holding one of `tags`, newest (highest id) first. FTS5 walks both lists inside the
        index, so the cost follows the page, not how many rows match the words elsewhere.
        `extra_where` (with `params`) is a further condition on the table's row `t`."""
        if not words or not tags:
            return []
        wanted = " OR ".join(f'"{t}"' for t in tags)
        match = f"{self._sqlite_query(words)} AND {{{self.tags[0]}}} : ({wanted})"
        fts = self.fts
        sql = (f"SELECT t.id FROM {fts} JOIN {self.table} AS t ON t.id = {fts}.rowid "
               f"WHERE {fts} MATCH ? " + (f"AND {extra_where} " if extra_where else "")
               + (f"AND {fts}.rowid < ? " if before_id else "")
               + f"ORDER BY {fts}.rowid DESC LIMIT ?")
        bound = [match] + list(params or []) + ([before_id] if before_id else []) + [limit]
        return [row[0] for row in db.execute_sql(sql, bound).fetchall()]

    def _pg_query(self, words: list[str]) -> str:
        return " & ".join(f"{w}:*" for w in words)

    def _pg_document(self, model):
        """The same expression the GIN index was built on, so PostgreSQL uses the index."""
        fields = [model._meta.columns[c] for c in self.columns]
        text = fn.COALESCE(fields[0], "")
        for field in fields[1:]:
            text = text.concat(" ").concat(fn.COALESCE(field, ""))
        return fn.to_tsvector(SQL("'simple'"), text)

    def matches(self, id_field, q: str):
        """A WHERE condition: rows whose text matches every word of `q` (none if `q` has
        no words)."""
        words = terms(q)
        if not words:
            return SQL("1 = 0")
        if isinstance(db.obj, PostgresqlDatabase):
            query = fn.to_tsquery(SQL("'simple'"), self._pg_query(words))
            return Expression(self._pg_document(id_field.model), "@@", query)
        return id_field.in_(SQL(f"(SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH ?)",
                                [self._sqlite_query(words)]))

    def rank(self, id_field, q: str):
        """An ORDER BY expression, best match first."""
        words = terms(q)
        if not words:
            return id_field.desc()
        if isinstance(db.obj, PostgresqlDatabase):
            query = fn.to_tsquery(SQL("'simple'"), self._pg_query(words))
            return fn.ts_rank(self._pg_document(id_field.model), query).desc()
        # bm25() is lower for better matches.
        return NodeList((
            SQL(f"(SELECT bm25({self.fts}) FROM {self.fts} WHERE {self.fts} MATCH ? "
                f"AND {self.fts}.rowid =", [self._sqlite_query(words)]),
            id_field, SQL(")")))

    def ranked_ids(self, id_field, q: str, limit: int = 500) -> list[int]:
        """Ids of the rows matching `q`, best first, from one index lookup (cheaper than
        ordering by `rank`, which SQLite evaluates once per row). Filter and page the rows
        by these ids, then put them back in this order."""
        words = terms(q)
        if not words:
            return []
        if isinstance(db.obj, PostgresqlDatabase):
            query = (id_field.model.select(id_field).where(self.matches(id_field, q))
                     .order_by(self.rank(id_field, q), id_field).limit(limit))
            return [row[0] for row in query.tuples()]
        cursor = db.execute_sql(f"SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH ? "
                                f"ORDER BY bm25({self.fts}), rowid LIMIT ?",
                                [self._sqlite_query(words), limit])
        return [row[0] for row in cursor.fetchall()]


@functools.lru_cache(maxsize=64)
def word_pattern(q: str | None) -> re.Pattern | None:
    """A pattern finding the words of `q` as prefixes of words in a text (None if `q`
    has no words), accents folded on both sides (`fold`), as SQLite's index folds them.
    Kept per entry: a page of results highlights every row with it."""
    words = [fold(w) for w in terms(q)]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*",
                      re.IGNORECASE | re.UNICODE)


def fold(text: str) -> str:
    """`text` without accents ("café" -> "cafe")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def _accent_map() -> tuple[str, str]:
    """Latin letters with accents and the plain letter each folds to ("ñ" -> "n", "Ç" ->
    "c", "ễ" -> "e"): what SQLite's indexes (unicode61, remove_diacritics 2) fold, and no
    more (Greek, Cyrillic and ligatures keep theirs there), for PostgreSQL's translate()
    and for the words typed into a search PostgreSQL answers. Sorted, so an expression
    built on it (which an index may be built on) never changes between runs."""
    accented, plain = [], []
    for first, last in _LATIN_WITH_ACCENTS:
        for code in range(first, last):
            letter = chr(code)
            base = fold(letter)
            if base != letter and len(base) == 1 and base.isascii() and base.isalpha():
                accented.append(letter)
                plain.append(base.lower())
    return "".join(accented), "".join(plain)


# Latin-1 Supplement to Latin Extended-B, and Latin Extended Additional (Vietnamese).
_LATIN_WITH_ACCENTS = ((0xC0, 0x250), (0x1E00, 0x1F00))
ACCENTED, PLAIN = _accent_map()
# Accents written as separate characters (an "e" followed by U+0301): dropped, as SQLite
# drops them (translate() drops what it has no replacement for).
_MARKS = "".join(chr(c) for c in range(0x300, 0x370))
_LATIN_FOLD = str.maketrans(ACCENTED, PLAIN, _MARKS)


def fold_latin(text: str) -> str:
    """`text` with Latin letters' accents folded as SQLite's indexes fold them ("Nguyễn" ->
    "Nguyen"; "Сергей" and "Søren" unchanged): what a word typed into a search
    PostgreSQL answers is made, to meet the words `pg_folded` indexed."""
    return text.translate(_LATIN_FOLD)


def pg_folded(expression: str) -> str:
    """PostgreSQL: the text of the SQL `expression` with Latin letters' accents folded, as
    `fold_latin` and SQLite's indexes (remove_diacritics 2) leave it; separate accent
    characters are dropped. Plain ASCII text comes out as it went in."""
    return f"translate({expression}, '{ACCENTED}{_MARKS}', '{PLAIN}')"


def _folded_with_places(text: str) -> tuple[str, list[int] | range]:
    """`text` folded, and for each character of the folded text the index of the
    character of `text` it came from (one may fold to several: "ﬁ" -> "fi"). Plain ASCII,
    most notes, is its own folding: no copy is made (a page of 25 snippets went from 5 ms
    to 7 ms when every character was copied)."""
    if text.isascii():
        return text, range(len(text))
    folded, places = [], []
    for i, ch in enumerate(text):
        for c in (fold(ch) if ord(ch) > 127 else ch):  # a lone accent folds to nothing
            folded.append(c)
            places.append(i)
    return "".join(folded), places


def _accents_after(text: str, end: int) -> int:
    """`end` moved past any accents written as separate characters ("e" + U+0301)."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def first_match(text: str, q: str | None) -> int | None:
    """Where in `text` the first word of `q` starts (as `highlight` finds them), or None."""
    pattern = word_pattern(q)
    if pattern is None:
        return None
    folded, places = _folded_with_places(text)
    found = pattern.search(folded)
    return places[found.start()] if found else None


def highlight(text: str | None, q: str | None) -> Markup:
    """`text`, escaped, with the words of `q` (as prefixes, accents folded: "cafe" marks
    "café") wrapped in <mark>."""
    text = text or ""
    pattern = word_pattern(q)
    if pattern is None:
        return Markup(escape(text))
    folded, places = _folded_with_places(text)
    out, last = [], 0
    for match in pattern.finditer(folded):  # found in the folded text, marked in the raw
        start, end = places[match.start()], _accents_after(text, places[match.end() - 1] + 1)
        out.append(str(escape(text[last:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))
