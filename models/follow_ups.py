"""Follow-ups: something to do on a referral by a date, assigned to someone, and the
queries the dashboard uses (my overdue and due-this-week follow-ups, today's hearings)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from peewee import CharField, DateField, DateTimeField, ForeignKeyField

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Hearing, Person, Referral

LONDON = ZoneInfo("Europe/London")


def london_today() -> dt.date:
    """Today's date on the Europe/London wall clock (what 'due today' means to a team)."""
    return dt.datetime.now(LONDON).date()


class FollowUp(BaseModel):
    referral = ForeignKeyField(Referral, backref="follow_ups", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="follow_ups", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    due_date = DateField()
    what = CharField(max_length=300)
    assigned_to = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    done_at = DateTimeField(null=True)
    done_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "follow_up"
        indexes = ((("assigned_to", "done_at", "due_date"), False),
                   (("referral", "due_date"), False))

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_done and self.due_date < (today or london_today())


def end_of_week(day: dt.date) -> dt.date:
    """The Sunday that ends `day`'s week (Monday to Sunday, as UK diaries run)."""
    return day + dt.timedelta(days=6 - day.weekday())


def follow_ups_for(user, today: dt.date | None = None) -> dict[str, list[FollowUp]]:
    """The user's open follow-ups: {"overdue": [...], "this_week": [...]} (due today up to
    Sunday), oldest first, each with its person and referral loaded. Only follow-ups on
    referrals the user's teams can still see."""
    today = today or london_today()
    team_ids = None if user.is_admin else user.team_ids()
    query = (FollowUp.select(FollowUp, Person, Referral)
             .join(Person, on=(FollowUp.person == Person.id))
             .switch(FollowUp).join(Referral, on=(FollowUp.referral == Referral.id))
             .where((FollowUp.assigned_to == user.id) & FollowUp.done_at.is_null()
                    & (FollowUp.due_date <= end_of_week(today)))
             .order_by(FollowUp.due_date, FollowUp.id))
    if team_ids is not None:
        query = query.where(FollowUp.referral.in_(
            Referral.visible_to(team_ids).select(Referral.id)))
    result = {"overdue": [], "this_week": []}
    for follow_up in query:
        result["overdue" if follow_up.due_date < today else "this_week"].append(follow_up)
    return result


def hearings_today(team_ids: set[int] | None, today: dt.date | None = None) -> list[Hearing]:
    """Today's hearings (London date) on referrals the teams can see, by time, each with
    its referral and person loaded."""
    today = today or london_today()
    query = (Hearing.select(Hearing, Referral, Person)
             .join(Referral, on=(Hearing.referral == Referral.id))
             .join(Person, on=(Referral.person == Person.id))
             .where(Hearing.date == today)
             .order_by(Hearing.time.asc(nulls="LAST"), Hearing.court, Hearing.id))
    if team_ids is not None:
        query = query.where(Hearing.referral.in_(
            Referral.visible_to(team_ids).select(Referral.id)))
    return list(query)
