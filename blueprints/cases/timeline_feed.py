"""A person's timeline: their case notes and the events other parts recorded, merged newest
first and read a page at a time with a keyset cursor (so "older notes" stays fast however
long the timeline grows)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from models.accounts import Team, User
from models.notes import CaseNote
from models.people import Referral
from models.timeline import TimelineEvent

PAGE_SIZE = 20
# Order of the two sources when two entries share a time stamp (notes first).
NOTE, EVENT = 1, 0


@dataclass
class Entry:
    kind: str               # "note" or "event"
    at: dt.datetime
    item: object            # CaseNote or TimelineEvent (with author and team loaded)

    @property
    def key(self) -> tuple:
        return (self.at, NOTE if self.kind == "note" else EVENT, self.item.id)


def encode_cursor(entry: Entry) -> str:
    at, source, item_id = entry.key
    return f"{at.isoformat(timespec='microseconds')}_{source}_{item_id}"


def decode_cursor(value: str | None) -> tuple | None:
    """The (time, source, id) a cursor stands for; None for an absent or malformed one."""
    if not value:
        return None
    try:
        at, source, item_id = value.split("_")
        return dt.datetime.fromisoformat(at), int(source), int(item_id)
    except ValueError:
        return None


def _older_than(model, at_field, source: int, cursor: tuple):
    """Rows of one source that sort after `cursor` (newest-first order)."""
    c_at, c_source, c_id = cursor
    if source < c_source:
        return at_field <= c_at
    if source > c_source:
        return at_field < c_at
    return (at_field < c_at) | ((at_field == c_at) & (model.id < c_id))


def visible_referral_ids(person, team_ids) -> list[int]:
    query = Referral.visible_to(team_ids).select(Referral.id).where(Referral.person == person.id)
    return [r.id for r in query]


def timeline_page(person, team_ids, cursor: tuple | None = None, size: int = PAGE_SIZE,
                  referral_ids: list[int] | None = None):
    """One page of the timeline: (entries, cursor of the next page or None)."""
    if referral_ids is None:
        referral_ids = visible_referral_ids(person, team_ids)
    if not referral_ids:
        return [], None
    author = User.alias()
    # The joined author and team must carry their ids: assigning a joined row to the
    # foreign key sets the key from it.
    notes = (CaseNote.select(CaseNote, author.id, author.name, Team.id, Team.name)
             .join(author, on=(CaseNote.author == author.id), attr="author")
             .switch(CaseNote).join(Team, on=(CaseNote.team == Team.id), attr="team")
             .where((CaseNote.person == person.id) & CaseNote.referral.in_(referral_ids)
                    & CaseNote.visible_condition(team_ids))
             .order_by(CaseNote.created_at.desc(), CaseNote.id.desc()).limit(size + 1))
    events = (TimelineEvent.select(TimelineEvent, author.id, author.name, Team.id, Team.name)
              .join(author, JOIN.LEFT_OUTER, on=(TimelineEvent.author == author.id),
                    attr="author")
              .switch(TimelineEvent).join(Team, on=(TimelineEvent.team == Team.id), attr="team")
              .where((TimelineEvent.person == person.id)
                     & TimelineEvent.referral.in_(referral_ids))
              .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc()).limit(size + 1))
    if cursor:
        notes = notes.where(_older_than(CaseNote, CaseNote.created_at, NOTE, cursor))
        events = events.where(_older_than(TimelineEvent, TimelineEvent.at, EVENT, cursor))
    entries = ([Entry("note", n.created_at, n) for n in notes]
               + [Entry("event", e.at, e) for e in events])
    entries.sort(key=lambda e: e.key, reverse=True)
    page = entries[:size]
    more = len(entries) > size
    return page, (encode_cursor(page[-1]) if more and page else None)
