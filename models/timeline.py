"""The case timeline's events from every part: a letter written, a service referral
accepted, a pathway session attended, a referral transferred.

Case notes have their own table (they are amended, never edited); this table holds a
one-line summary of what happened elsewhere, with a link to it. Summaries are written by
the parts from their own labels, never from free text a user typed.
"""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Person, Referral


class TimelineEvent(BaseModel):
    person = ForeignKeyField(Person, backref="timeline_events", on_delete="RESTRICT")
    referral = ForeignKeyField(Referral, backref="timeline_events", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    author = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=40)          # e.g. "letter", "service_referral", "transfer"
    summary = CharField(max_length=300)
    link_type = CharField(max_length=40, default="")   # see blueprints/timeline.py
    link_id = CharField(max_length=64, default="")
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "timeline_event"
        indexes = ((("person", "at"), False),)


def add_timeline_event(referral: Referral, author: User | None, kind: str, summary: str,
                       link_type: str = "", link_id="") -> TimelineEvent:
    """Put an event on the referral's case timeline (call inside the change's writing())."""
    return TimelineEvent.create(person=referral.person_id, referral=referral,
                                team=referral.team_id, author=author, kind=kind,
                                summary=summary[:300], link_type=link_type,
                                link_id=str(link_id or ""))
