"""Follow-ups: something to do on a referral by a date, assigned to someone, and the
queries the dashboard uses (my overdue and due-this-week follow-ups, today's hearings)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from peewee import Case, CharField, DateField, DateTimeField, ForeignKeyField, fn

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


def follow_ups_for(user, today: dt.date | None = None, limit: int | None = None
                   ) -> dict[str, list[FollowUp]]:
    """The user's open follow-ups: {"overdue": [...], "this_week": [...]} (due today up to
    Sunday), oldest first, each with its person's name loaded, and how many there are
    of each ("overdue_total", "this_week_total"). Only follow-ups on referrals the user's
    teams can still see. With `limit`, each list holds at most that many (the home page):
    the database counts the rest, so a long list costs no more than a short one."""
    today = today or london_today()
    team_ids = None if user.is_admin else user.team_ids()
    mine = (FollowUp.assigned_to == user.id) & FollowUp.done_at.is_null()
    if team_ids is not None:
        mine &= Referral.visible_at(FollowUp.referral, team_ids)
    week_end = end_of_week(today)

    def listed(when):
        query = (FollowUp.select(FollowUp.id, FollowUp.what, FollowUp.due_date,
                                 FollowUp.referral, FollowUp.person, Person.id,
                                 Person.given_name, Person.family_name, Person.preferred_name)
                 .join(Person, on=(FollowUp.person == Person.id))
                 .where(mine & when).order_by(FollowUp.due_date, FollowUp.id))
        return list(query.limit(limit) if limit is not None else query)

    overdue, this_week = (FollowUp.due_date < today), (FollowUp.due_date.between(today, week_end))
    result = {"overdue": listed(overdue), "this_week": listed(this_week)}
    if limit is None:
        counts = (len(result["overdue"]), len(result["this_week"]))
    else:
        counts = (FollowUp.select(fn.COUNT(Case(None, [(overdue, 1)])),
                                  fn.COUNT(Case(None, [(this_week, 1)])))
                  .where(mine & (FollowUp.due_date <= week_end)).tuples().get())
    result["overdue_total"], result["this_week_total"] = counts
    return result


def hearings_today(team_ids: set[int] | None, today: dt.date | None = None,
                   limit: int | None = None) -> list[Hearing]:
    """Today's hearings (London date) on referrals the teams can see, by time, each with
    what the court list shows of its referral and person loaded (at most `limit`)."""
    today = today or london_today()
    query = (Hearing.select(Hearing.id, Hearing.referral, Hearing.court, Hearing.date,
                            Hearing.time, Hearing.courtroom, Hearing.purpose, Referral.id,
                            Referral.person, Referral.team, Person.id, Person.given_name,
                            Person.family_name, Person.preferred_name)
             .join(Referral, on=(Hearing.referral == Referral.id))
             .join(Person, on=(Referral.person == Person.id))
             .where(Hearing.date == today)
             .order_by(Hearing.time.asc(nulls="LAST"), Hearing.court, Hearing.id))
    if team_ids is not None:
        query = query.where(Referral.visible_at(Hearing.referral, team_ids))
    return list(query.limit(limit) if limit is not None else query)
