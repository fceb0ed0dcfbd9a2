"""Full-text search over the case notes a user may read (SQLite FTS5 or PostgreSQL full-text
search through models/search.py), newest first, with the matching words highlighted."""
from __future__ import annotations

from markupsafe import Markup

from models.accounts import Team, User
from models.base import is_sqlite
from models.notes import NOTE_TEXT, TEAM_ONLY_TYPES, CaseNote, reader_tag
from models.people import Person, Referral
from models.prepared import prepared
from models.search import highlight, terms, word_pattern

RESULTS = 25
SNIPPET = 320


def snippet(text: str, q: str, width: int = SNIPPET) -> Markup:
    """The part of `text` around the first matching word, escaped, matches in <mark>."""
    pattern = word_pattern(q)
    start = 0
    if pattern is not None:
        found = pattern.search(text)
        if found:
            start = max(0, found.start() - width // 3)
    piece = text[start:start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    return Markup(prefix) + highlight(piece, q) + Markup(suffix)


def _sqlite_ids(words: list[str], team_ids: set[int], before_id: int | None,
                limit: int) -> list[int]:
    """Matching note ids, newest first, on SQLite. The full-text index holds each note's
    readers, so FTS5 walks the words and the user's teams together and stops at the page,
    however many notes other teams hold; each note found is still checked against its
    referral and type here, so what is shown never rests on the index alone."""
    teams = sorted(team_ids) or [0]
    marks = ", ".join("?" * len(teams))
    types = ", ".join("?" * len(TEAM_ONLY_TYPES))
    visible = (f"(t.note_type NOT IN ({types}) OR t.team_id IN ({marks})) "
               f"AND EXISTS (SELECT 1 FROM referral AS r WHERE r.id = t.referral_id "
               f"AND (r.team_id IN ({marks}) OR r.id IN (SELECT s.referral_id FROM "
               f"referral_share AS s WHERE s.team_id IN ({marks}))))")
    return NOTE_TEXT.tagged_ids(words, [reader_tag(t) for t in teams],
                                extra_where=visible,
                                params=list(TEAM_ONLY_TYPES) + teams * 3,
                                before_id=before_id, limit=limit)


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
    if is_sqlite() and team_ids is not None:
        ids = _sqlite_ids(words, team_ids, before_id, limit)
        return _notes_by_id(ids=ids) if ids else []
    query = (_with_names(CaseNote.select()).limit(limit)
             .where(NOTE_TEXT.matches(CaseNote.id, q) & CaseNote.visible_condition(team_ids)))
    if team_ids is not None:
        query = query.where(CaseNote.referral.in_(Referral.visible_to(team_ids)
                                                  .select(Referral.id)))
    if before_id:
        query = query.where(CaseNote.id < before_id)
    return list(query)
