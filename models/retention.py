"""Retention: closed referrals kept past the retention period are reviewed by a manager
and, once approved, their content is destroyed. What stays is a stub: the referral's id,
team and dates, who approved the destruction and when, and the audit trail.

The clock runs from the referral's closure: reopening a referral clears `closed_at`, so a
reopened (and later closed again) referral starts a new retention period.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from peewee import DateTimeField, ForeignKeyField, IntegerField

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Hearing, Person, Referral, ReferralShare, name_key
from .timeline import TimelineEvent


class Destruction(BaseModel):
    """The stub left when a referral's content was destroyed after its retention period."""
    referral = ForeignKeyField(Referral, unique=True, backref="+", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    person_id = IntegerField(index=True)
    received_at = DateTimeField()
    closed_at = DateTimeField()
    retention_years = IntegerField()
    approved_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    approved_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "destruction"


# Each part that keeps content on a referral registers how to remove it (case notes,
# needs, letters, service referrals...): called inside the destruction's transaction.
CONTENT_REMOVERS: list[Callable[[Referral], None]] = []


def removes_referral_content(remover: Callable[[Referral], None]):
    """Register `remover(referral)` to delete a part's content when a referral is destroyed."""
    CONTENT_REMOVERS.append(remover)
    return remover


def retention_cutoff(years: int, now: dt.datetime | None = None) -> dt.datetime:
    """The instant `years` years before `now`: referrals closed before it are due."""
    now = now or utcnow()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February in a year without one
        return now.replace(year=now.year - years, day=28)


def due_for_review(team_ids: set[int] | None, years: int, now: dt.datetime | None = None):
    """Closed referrals of `team_ids` (None: every team) past the retention period and not
    yet destroyed, oldest closure first."""
    destroyed = Destruction.select(Destruction.referral)
    # Only what the review list shows: building whole rows costs more than the query.
    query = (Referral.select(Referral.id, Referral.team, Referral.received_at,
                             Referral.closed_at, Person.id, Person.given_name,
                             Person.family_name).join(Person)
             .where((Referral.status == "closed")
                    & (Referral.closed_at.is_null(False))
                    & (Referral.closed_at < retention_cutoff(years, now))
                    & (Referral.id.not_in(destroyed)))
             .order_by(Referral.closed_at, Referral.id))
    if team_ids is not None:
        query = query.where(Referral.team.in_(sorted(team_ids)))
    return query


def is_due(referral: Referral, years: int, now: dt.datetime | None = None) -> bool:
    return (referral.status == "closed" and referral.closed_at is not None
            and referral.closed_at < retention_cutoff(years, now)
            and not Destruction.select().where(Destruction.referral == referral).exists())


REMOVED = "Removed after the retention period"


def destroy_referral(referral: Referral, approver: User, years: int) -> Destruction:
    """Remove the referral's content (and the person's, when no other referral of theirs
    remains) and leave the stub. The caller holds the write transaction and audits."""
    stub = Destruction.create(referral=referral, team=referral.team_id,
                              person_id=referral.person_id, received_at=referral.received_at,
                              closed_at=referral.closed_at, retention_years=years,
                              approved_by=approver)
    for remover in CONTENT_REMOVERS:
        remover(referral)
    Hearing.delete().where(Hearing.referral == referral).execute()
    TimelineEvent.delete().where(TimelineEvent.referral == referral).execute()
    ReferralShare.update(reason="").where(ReferralShare.referral == referral).execute()
    (Referral.update(reason="", closure_reason="", triage_date=None, triage_result=None,
                     assigned_to=None, version=Referral.version + 1)
     .where(Referral.id == referral.id).execute())
    kept = (Referral.select().where((Referral.person == referral.person_id)
                                    & Referral.id.not_in(Destruction.select(
                                        Destruction.referral))))
    if not kept.exists():
        _remove_person_content(referral.person_id)
    return stub


def _remove_person_content(person_id: int) -> None:
    """Blank everything that identifies or describes the person; the row stays so that
    the stubs and the audit trail still point somewhere."""
    # The search keys go too: kept, they let the old name still find the record.
    (Person.update(given_name="Removed", family_name="record", preferred_name="",
                   given_key=name_key("Removed"), family_key=name_key("record"),
                   date_of_birth=None, pronouns="", nhs_number=None, pnc_id=None, phone="",
                   address="", gp_practice="", first_language="", interpreter_needed=False,
                   communication_needs="", consent_scope=None, consent_date=None,
                   consent_recorded_by=None, gender="not_stated", ethnicity="not_stated",
                   housing_status="not_known", updated_at=utcnow(),
                   version=Person.version + 1)
     .where(Person.id == person_id).execute())
