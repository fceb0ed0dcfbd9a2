"""The case pages' busiest reads: the caseload lists and what the person page shows.

Each is a prepared query (models/prepared.py): composed once per shape, then only run, as
these pages are opened all day. Team lists are passed sorted, or None for every team.
"""
from __future__ import annotations

from peewee import JOIN

from models.accounts import Team, User
from models.follow_ups import FollowUp
from models.needs import NeedRating, NeedsAssessment, changes_between
from models.people import Person, Referral, ReferralShare
from models.prepared import prepared


def _caseload_page(teams, limit, shared, mine=None, at=None, ref=None):
    """Open referrals the teams hold (or, with `shared`, were given), newest first."""
    held_or_given = (Referral.id.in_(ReferralShare.select(ReferralShare.referral)
                                     .where(ReferralShare.team.in_(teams)
                                            & (ReferralShare.kind == "share")))
                     & Referral.team.not_in(teams)) if shared else Referral.team.in_(teams)
    # Only what the list shows: building full rows costs more than the query.
    query = (Referral.select(Referral.id, Referral.received_at, Referral.source,
                             Referral.person, Referral.team, Person.id, Person.given_name,
                             Person.family_name, Team.id, Team.name)
             .join(Person, on=(Referral.person == Person.id))
             .switch(Referral).join(Team, on=(Referral.team == Team.id))
             .where(held_or_given & (Referral.status == "open"))
             .order_by(Referral.received_at.desc(), Referral.id.desc()).limit(limit))
    if mine is not None:
        query = query.where(Referral.assigned_to == mine)
    if at is not None:
        query = query.where((Referral.received_at < at)
                            | ((Referral.received_at == at) & (Referral.id < ref)))
    return query


_caseload_held = prepared(lambda **v: _caseload_page(shared=False, **v))
_caseload_given = prepared(lambda **v: _caseload_page(shared=True, **v))


def open_referrals(team_ids: set[int], limit: int, cursor=None, assigned_to=None):
    """Open referrals the teams hold or were given, newest first, with person and team.
    Held and shared referrals are read separately and merged, so each read walks the
    (team, status, received) index instead of every referral."""
    where = dict(teams=sorted(team_ids) or [0], limit=limit, mine=assigned_to)
    if cursor:
        where.update(at=cursor[0], ref=cursor[1])
    rows = _caseload_held(**where) + _caseload_given(**where)
    rows.sort(key=lambda r: (r.received_at, r.id), reverse=True)
    return rows[:limit]


@prepared
def _person_referrals(person, teams):
    return (Referral.visible_to(teams).select(Referral, Team, User.name)
            .join(Team, on=(Referral.team == Team.id))
            .switch(Referral).join(User, on=(Referral.assigned_to == User.id),
                                   join_type=JOIN.LEFT_OUTER, attr="assignee")
            .where(Referral.person == person)
            .order_by(Referral.received_at.desc()))


def person_referrals(person, team_ids: set[int]) -> list[Referral]:
    """The person's referrals the teams may see, newest first, with team and assignee."""
    return _person_referrals(person=person.id, teams=sorted(team_ids))


@prepared
def _last_two_assessments(person, referrals):
    return (NeedsAssessment.select(NeedsAssessment, User.name)
            .join(User, on=(NeedsAssessment.assessed_by == User.id), attr="assessor")
            .where((NeedsAssessment.person == person) & NeedsAssessment.referral.in_(referrals))
            .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc())
            .limit(2))


_ratings = prepared(lambda assessments: NeedRating.select()
                    .where(NeedRating.assessment.in_(assessments)))


def latest_needs(person, referral_ids):
    """The latest visible needs assessment and what changed since the one before it."""
    assessments = _last_two_assessments(person=person.id, referrals=referral_ids or [0])
    if not assessments:
        return None, None, []
    ratings: dict[int, dict] = {a.id: {} for a in assessments}
    for rating in _ratings(assessments=list(ratings)):
        ratings[rating.assessment_id][rating.domain] = rating
    latest = assessments[0]
    previous = ratings[assessments[1].id] if len(assessments) > 1 else None
    return latest, ratings[latest.id], changes_between(previous, ratings[latest.id])


@prepared
def _open_follow_ups(referrals, limit):
    return (FollowUp.select(FollowUp, User.name)
            .join(User, on=(FollowUp.assigned_to == User.id), attr="assignee")
            .where(FollowUp.referral.in_(referrals) & FollowUp.done_at.is_null())
            .order_by(FollowUp.due_date).limit(limit))


def open_follow_ups(referral_ids, limit: int = 20) -> list[FollowUp]:
    """Follow-ups not yet done on these referrals, soonest due first."""
    return _open_follow_ups(referrals=referral_ids or [0], limit=limit)
