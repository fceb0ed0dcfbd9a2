"""Full-text search over the case notes a user may read (SQLite FTS5 or PostgreSQL full-text
search through models/search.py), newest first, with the matching words highlighted."""
from __future__ import annotations

import re

from markupsafe import Markup

from models.accounts import Team, User
from models.notes import NOTE_TEXT, CaseNote
from models.people import Person, Referral
from models.search import highlight, terms

RESULTS = 25
SNIPPET = 320


def snippet(text: str, q: str, width: int = SNIPPET) -> Markup:
    """The part of `text` around the first matching word, escaped, matches in <mark>."""
    words = terms(q)
    start = 0
    if words:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")",
                             re.IGNORECASE | re.UNICODE)
        found = pattern.search(text)
        if found:
            start = max(0, found.start() - width // 3)
    piece = text[start:start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    return Markup(prefix) + highlight(piece, q) + Markup(suffix)


def search_notes(q: str, team_ids: set[int] | None, before_id: int | None = None,
                 limit: int = RESULTS) -> list[CaseNote]:
    """Notes matching every word of `q` that the teams may read, newest first (by id: notes
    are numbered as they are written), each with person, author and team loaded."""
    if not terms(q):
        return []
    author = User.alias()
    query = (CaseNote.select(CaseNote, Person.given_name, Person.family_name, Person.id,
                             author.name, Team.name)
             .join(Person, on=(CaseNote.person == Person.id), attr="person")
             .switch(CaseNote).join(author, on=(CaseNote.author == author.id), attr="author")
             .switch(CaseNote).join(Team, on=(CaseNote.team == Team.id), attr="team")
             .where(NOTE_TEXT.matches(CaseNote.id, q) & CaseNote.visible_condition(team_ids))
             .order_by(CaseNote.id.desc()).limit(limit))
    if team_ids is not None:
        query = query.where(CaseNote.referral.in_(Referral.visible_to(team_ids)
                                                  .select(Referral.id)))
    if before_id:
        query = query.where(CaseNote.id < before_id)
    return list(query)
