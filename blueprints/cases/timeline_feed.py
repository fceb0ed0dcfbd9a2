"""A person's timeline: their case notes and the events other parts recorded, merged newest
first and read a page at a time with a keyset cursor (so "older notes" stays fast however
long the timeline grows)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from blueprints.record_ids import record_id
from models.accounts import Team, User
from models.notes import CaseNote
from models.people import Referral
from models.prepared import prepared, team_list
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


def cursor_from(note) -> str:
    """A cursor whose page starts with `note`: a note found by search, shown in its place on
    the timeline however far back it is (the cursor stands just before it)."""
    return f"{note.created_at.isoformat(timespec='microseconds')}_{NOTE}_{note.id + 1}"


def decode_cursor(value: str | None) -> tuple | None:
    """The (time, source, id) a cursor stands for; None for an absent or malformed one."""
    if not value:
        return None
    try:
        at, source, item_id = value.split("_")
        return dt.datetime.fromisoformat(at), int(source), record_id(item_id)
    except ValueError:
        return None


def _older_than(model, at_field, source: int, at, item_id, from_note: bool):
    """Rows of one source that sort after the cursor (newest-first order): the cursor's
    time `at`, its item id, and whether it stands on a note (notes sort before events
    of the same instant)."""
    cursor_source = NOTE if from_note else EVENT
    if source < cursor_source:
        return at_field <= at
    if source > cursor_source:
        return at_field < at
    return (at_field < at) | ((at_field == at) & (model.id < item_id))


_author = User.alias()


# Composed once per shape (models/prepared.py): these run on every person page. The joined
# author and team carry their ids: assigning a joined row to the foreign key sets the key
# from it.
@prepared
def _notes(person, referrals, teams, limit, at=None, item=None, from_note=None):
    query = (CaseNote.select(CaseNote, _author.id, _author.name, Team.id, Team.name)
             .join(_author, on=(CaseNote.author == _author.id), attr="author")
             .switch(CaseNote).join(Team, on=(CaseNote.team == Team.id), attr="team")
             .where((CaseNote.person == person) & CaseNote.referral.in_(referrals)
                    & CaseNote.visible_condition(teams))
             .order_by(CaseNote.created_at.desc(), CaseNote.id.desc()).limit(limit))
    if at is not None:
        query = query.where(_older_than(CaseNote, CaseNote.created_at, NOTE, at, item, from_note))
    return query


@prepared
def _events(person, referrals, limit, at=None, item=None, from_note=None):
    query = (TimelineEvent.select(TimelineEvent, _author.id, _author.name, Team.id, Team.name)
             .join(_author, JOIN.LEFT_OUTER, on=(TimelineEvent.author == _author.id),
                   attr="author")
             .switch(TimelineEvent).join(Team, on=(TimelineEvent.team == Team.id), attr="team")
             .where((TimelineEvent.person == person) & TimelineEvent.referral.in_(referrals))
             .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc()).limit(limit))
    if at is not None:
        query = query.where(_older_than(TimelineEvent, TimelineEvent.at, EVENT, at, item,
                                        from_note))
    return query


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
    where = {}
    if cursor:
        at, source, item_id = cursor
        where = dict(at=at, item=item_id, from_note=source == NOTE)
    teams = team_list(team_ids)
    notes = _notes(person=person.id, referrals=referral_ids, teams=teams, limit=size + 1,
                   **where)
    events = _events(person=person.id, referrals=referral_ids, limit=size + 1, **where)
    entries = ([Entry("note", n.created_at, n) for n in notes]
               + [Entry("event", e.at, e) for e in events])
    entries.sort(key=lambda e: e.key, reverse=True)
    page = entries[:size]
    more = len(entries) > size
    return page, (encode_cursor(page[-1]) if more and page else None)
