"""Full-text search over the case notes a user may read (SQLite FTS5 or PostgreSQL full-text
search through models/search.py), newest first, with the matching words highlighted."""
from __future__ import annotations

from markupsafe import Markup

from models.accounts import Team, User
from models.base import db, is_sqlite
from models.notes import NOTE_TEXT, TEAM_ONLY_TYPES, CaseNote, pg_word_terms, reader_tag
from models.people import Person
from models.prepared import execute_fixed, prepared
from models.search import first_match, fold_latin, highlight, terms

RESULTS = 25
SNIPPET = 320


def snippet(text: str, q: str, width: int = SNIPPET) -> Markup:
    """The part of `text` around the first matching word, escaped, matches in <mark>."""
    found = first_match(text, q)
    start = max(0, found - width // 3) if found is not None else 0
    piece = text[start:start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    return Markup(prefix) + highlight(piece, q) + Markup(suffix)


def _visible_sql(teams: list[int], mark: str, note: str,
                 note_by_note: bool = False) -> tuple[str, list]:
    """SQL (and its parameters) for "the teams may read this note", checked against the
    note's referral and type: what is shown never rests on the index's readers alone.

    `note_by_note` asks for the referral check as a scalar subquery, which PostgreSQL runs
    for each note in turn, so a walk through the newest notes stops at the page; as EXISTS
    it becomes a join over every candidate first (10k notes: 8.8 ms, against 2.2 ms)."""
    marks = ", ".join([mark] * len(teams))
    types = ", ".join([mark] * len(TEAM_ONLY_TYPES))
    referral = (f"SELECT 1 FROM referral AS r WHERE r.id = {note}.referral_id "
                f"AND (r.team_id IN ({marks}) OR r.id IN (SELECT s.referral_id FROM "
                f"referral_share AS s WHERE s.kind = 'share' AND s.team_id IN ({marks})))")
    check = f"({referral}) IS NOT NULL" if note_by_note else f"EXISTS ({referral})"
    sql = f"({note}.note_type NOT IN ({types}) OR {note}.team_id IN ({marks})) AND {check}"
    return sql, list(TEAM_ONLY_TYPES) + teams * 3


def _sqlite_ids(words: list[str], team_ids: set[int], before_id: int | None,
                limit: int) -> list[int]:
    """Matching note ids, newest first, on SQLite. The full-text index holds each note's
    readers, so FTS5 walks the words and the user's teams together and stops at the page,
    however many notes other teams hold."""
    teams = sorted(team_ids) or [0]
    visible, params = _visible_sql(teams, "?", "t")
    return NOTE_TEXT.tagged_ids(words, [reader_tag(t) for t in teams], extra_where=visible,
                                params=params, before_id=before_id, limit=limit)


# PostgreSQL cannot tell how many notes a search will match, and its two ways of answering
# each go badly wrong on one kind of search: walking the notes newest first checks every
# note when few match (13 s for a word nobody wrote, at 1M notes), while the GIN index
# gathers every match before it can sort (300 ms for common words). So the newest notes
# are walked first, then the index is asked for the rest, if any.
RECENT = 5000


def _postgres_ids(words: list[str], team_ids: set[int] | None, before_id: int | None,
                  limit: int) -> list[int]:
    """Matching note ids, newest first, on PostgreSQL (the search_doc of migration 015,
    whose Latin letters have no accents since 094: the typed words lose theirs too, and
    only those, so a word stays one word of letters that to_tsquery reads as it is)."""
    words = [plain for plain in map(fold_latin, words) if plain]
    if not words:
        return []
    looked_up, checked = zip(*(pg_word_terms(word) for word in words))
    looked_up, checked = " & ".join(looked_up), " & ".join(checked)
    if team_ids is None:
        types = ", ".join(["%s"] * len(TEAM_ONLY_TYPES))
        visible = walked_visible = f"n.note_type NOT IN ({types})"
        params = list(TEAM_ONLY_TYPES)
    else:
        teams = sorted(team_ids) or [0]
        readers = " & (" + " | ".join(f"{reader_tag(t)}:A" for t in teams) + ")"
        looked_up, checked = looked_up + readers, checked + readers
        visible, params = _visible_sql(teams, "%s", "n")
        walked_visible, _ = _visible_sql(teams, "%s", "n", note_by_note=True)
    below, bound = ("WHERE id < %s", [before_id]) if before_id else ("", [])
    newest = (f"SELECT id, search_doc, note_type, team_id, referral_id FROM case_note "
              f"{below} ORDER BY id DESC LIMIT {RECENT}")
    # Neither search below is prepared: a generic plan parses the words for every note
    # it walks (to_tsquery of a parameter), and how many notes they find decides the plan.
    ids = [row[0] for row in db.execute_sql(
        f"SELECT n.id FROM ({newest}) AS n WHERE n.search_doc @@ to_tsquery('simple', %s) "
        f"AND {walked_visible} ORDER BY n.id DESC LIMIT %s",
        bound + [checked] + params + [limit])]
    if len(ids) == limit:
        return ids
    edge, walked = execute_fixed(f"SELECT min(id), count(*) FROM ({newest}) AS w",
                                 bound).fetchone()
    if walked < RECENT:  # that was every note
        return ids
    # The index gives the notes holding each word's first letters and a reader; only then
    # are they checked for the whole words (a separate step, so that PostgreSQL cannot
    # fold the prefix search back into the index lookup).
    older = db.execute_sql(
        "WITH found AS MATERIALIZED (SELECT id, search_doc, note_type, team_id, referral_id "
        "FROM case_note WHERE search_doc @@ to_tsquery('simple', %s) AND id < %s) "
        f"SELECT n.id FROM found AS n WHERE n.search_doc @@ to_tsquery('simple', %s) "
        f"AND {visible} ORDER BY n.id DESC LIMIT %s",
        [looked_up, edge, checked] + params + [limit - len(ids)])
    return ids + [row[0] for row in older]


_author = User.alias()


def _with_names(query):
    """Notes newest first, each with person, author and team loaded."""
    return (query.select(CaseNote, Person.given_name, Person.family_name, Person.id,
                         _author.id, _author.name, Team.id, Team.name)
            .join(Person, on=(CaseNote.person == Person.id), attr="person")
            .switch(CaseNote).join(_author, on=(CaseNote.author == _author.id), attr="author")
            .switch(CaseNote).join(Team, on=(CaseNote.team == Team.id), attr="team")
            .order_by(CaseNote.id.desc()))


_notes_by_id = prepared(lambda ids: _with_names(CaseNote.select()).where(CaseNote.id.in_(ids)))


def search_notes(q: str, team_ids: set[int] | None, before_id: int | None = None,
                 limit: int = RESULTS) -> list[CaseNote]:
    """Notes matching every word of `q` that the teams may read, newest first (by id: notes
    are numbered as they are written), each with person, author and team loaded."""
    words = terms(q)
    if not words:
        return []
    if not is_sqlite():
        ids = _postgres_ids(words, team_ids, before_id, limit)
        return _notes_by_id(ids=ids) if ids else []
    if team_ids is not None:
        ids = _sqlite_ids(words, team_ids, before_id, limit)
        return _notes_by_id(ids=ids) if ids else []
    query = (_with_names(CaseNote.select()).limit(limit)
             .where(NOTE_TEXT.matches(CaseNote.id, q) & CaseNote.visible_condition(None)))
    if before_id:
        query = query.where(CaseNote.id < before_id)
    return list(query)
