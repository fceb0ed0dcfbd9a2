"""Follow-ups: something to do on a referral by a date, assigned to someone, and the
queries the dashboard uses (my overdue and due-this-week follow-ups, today's hearings)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from peewee import Case, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, fn

from .accounts import Membership, Team, User
from .base import BaseModel, utcnow
from .people import Hearing, Person, Referral, ReferralShare
from .prepared import prepared, team_list

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
    version = IntegerField(default=1)  # rescheduled or reassigned: see update_if_version

    class Meta:
        table_name = "follow_up"
        indexes = ((("assigned_to", "done_at", "due_date"), False),
                   (("referral", "due_date"), False))

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_done and self.due_date < (today or london_today())


def working_teams(referral, shares=None) -> list[int]:
    """The teams that work a referral: the one holding it and those it is shared with.
    `shares`: the referral's share rows, when the caller has read them already."""
    if shares is None:
        shares = (ReferralShare.select(ReferralShare.team, ReferralShare.kind)
                  .where(ReferralShare.referral == referral.id))
    return sorted({referral.team_id} | {s.team_id for s in shares if s.kind == "share"})


def left_behind(referral, teams: list[int] | None = None):
    """A condition on FollowUp: open on `referral`, and assigned to someone who is no longer
    an active member of a team that works it (after a transfer, the sending team's staff;
    or someone who left the team or was deactivated). Nobody's home page lists these.
    `teams`: working_teams(referral), when the caller has them."""
    still_there = (Membership.select(Membership.user).join(User)
                   .where(Membership.team.in_(teams or working_teams(referral))
                          & (User.active == True)))  # noqa: E712
    return ((FollowUp.referral == referral.id) & FollowUp.done_at.is_null()
            & FollowUp.assigned_to.not_in(still_there))


def end_of_week(day: dt.date) -> dt.date:
    """The Sunday that ends `day`'s week (Monday to Sunday, as UK diaries run)."""
    return day + dt.timedelta(days=6 - day.weekday())


def follow_ups_for(user, today: dt.date | None = None, limit: int | None = None,
                   team_ids: set[int] | None = None) -> dict[str, list[FollowUp]]:
    """The user's open follow-ups: {"overdue": [...], "this_week": [...]} (due today up to
    Sunday), oldest first, each with its person's name loaded, and how many there are
    of each ("overdue_total", "this_week_total"). Only follow-ups on referrals the user's
    teams can still see. With `limit`, each list holds at most that many (the home page):
    the database counts the rest, so a long list costs no more than a short one.
    `team_ids`: the user's teams when the caller already has them (else read here)."""
    today = today or london_today()
    if not user.is_admin and team_ids is None:
        team_ids = user.team_ids()
    values = dict(user=user.id, teams=None if user.is_admin else team_list(team_ids),
                  today=today, week_end=end_of_week(today))
    result = {"overdue": _listed(overdue=True, limit=limit, **values),
              "this_week": _listed(overdue=False, limit=limit, **values)}
    if limit is None:
        counts = (len(result["overdue"]), len(result["this_week"]))
    else:
        counts = _counted(**values)[0]
    result["overdue_total"], result["this_week_total"] = counts
    return result


# The home page's lists are prepared queries (models/prepared.py): composed once, then run.
def _mine(user, teams):
    """Open follow-ups assigned to `user` on referrals the teams (None: any) can see."""
    mine = (FollowUp.assigned_to == user) & FollowUp.done_at.is_null()
    return mine if teams is None else mine & Referral.visible_at(FollowUp.referral, teams)


@prepared
def _listed(user, teams, today, week_end, overdue, limit=None):
    when = ((FollowUp.due_date < today) if overdue
            else FollowUp.due_date.between(today, week_end))
    query = (FollowUp.select(FollowUp.id, FollowUp.what, FollowUp.due_date,
                             FollowUp.referral, FollowUp.person, Person.id,
                             Person.given_name, Person.family_name, Person.preferred_name)
             .join(Person, on=(FollowUp.person == Person.id))
             .where(_mine(user, teams) & when).order_by(FollowUp.due_date, FollowUp.id))
    return query.limit(limit) if limit is not None else query


@prepared
def _counted(user, teams, today, week_end):
    overdue, this_week = (FollowUp.due_date < today), FollowUp.due_date.between(today, week_end)
    return (FollowUp.select(fn.COUNT(Case(None, [(overdue, 1)])),
                            fn.COUNT(Case(None, [(this_week, 1)])))
            .where(_mine(user, teams) & (FollowUp.due_date <= week_end)).tuples())


def hearings_today(team_ids: set[int] | None, today: dt.date | None = None,
                   limit: int | None = None) -> list[Hearing]:
    """Today's hearings (London date, not vacated) on referrals the teams can see, by time,
    each with what the court list shows of its referral and person loaded (at most
    `limit`)."""
    return _hearings_on(day=today or london_today(), teams=team_list(team_ids), limit=limit)


@prepared
def _hearings_on(day, teams, limit=None):
    query = (Hearing.select(Hearing.id, Hearing.referral, Hearing.court, Hearing.date,
                            Hearing.time, Hearing.courtroom, Hearing.purpose, Referral.id,
                            Referral.person, Referral.team, Person.id, Person.given_name,
                            Person.family_name, Person.preferred_name)
             .join(Referral, on=(Hearing.referral == Referral.id))
             .join(Person, on=(Referral.person == Person.id))
             .where((Hearing.date == day) & Hearing.listed())
             .order_by(Hearing.time.asc(nulls="LAST"), Hearing.court, Hearing.id))
    if teams is not None:
        query = query.where(Referral.visible_at(Hearing.referral, teams))
    return query.limit(limit) if limit is not None else query
