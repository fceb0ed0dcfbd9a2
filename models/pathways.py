"""Women's service pathways: programmes (as data), enrolments from a referral, drivers of
offending worked on, sessions, goals and the discharge roadmap.

Wording is trauma-informed throughout: a missed session "did not attend", never "failed".
"""
from __future__ import annotations

import datetime as dt
import json

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, TextField, fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Person, Referral

DRIVERS = {
    "relationships": "Relationships",
    "finances_debt": "Finances and debt",
    "mental_health": "Mental health and coping",
    "housing": "Housing",
    "substance_use": "Substance use",
    "education_employment": "Education and employment",
    "children_family": "Children and family",
    "trauma_abuse": "Trauma and abuse",
}

ENROLMENT_STATUSES = {"active": "Active", "discharged": "Discharged"}

SESSION_STATUSES = {
    "planned": "Planned",
    "attended": "Attended",
    "did_not_attend": "Did not attend",
    "cancelled": "Cancelled",
}
# Sessions that use one of a programme's limited sessions: booked or attended. A session she
# did not attend, or one that was cancelled, does not use up her allowance.
COUNTED_STATUSES = ("planned", "attended")

PROGRESS_LEVELS = {
    "not_this_time": "Not worked on this time",
    "explored": "Explored together",
    "some_progress": "Some progress",
    "good_progress": "Good progress",
    "harder_time": "A harder time",
}

GOAL_STATUSES = {
    "not_started": "Not started yet",
    "in_progress": "Working on it",
    "achieved": "Achieved",
    "set_aside": "Set aside for now",
}

ROADMAP_CATEGORIES = {
    "college": "College",
    "education": "Education and training",
    "childcare": "Childcare",
    "employment": "Employment",
    "housing": "Housing",
    "support": "Support services",
}


class PathwayRefused(ValueError):
    """A pathway change the rules do not allow; str() is the message for the user."""


class Programme(BaseModel):
    """A pathway programme, e.g. the Specified Activity Requirement (SAR)."""
    key = CharField(max_length=40, unique=True)
    name = CharField(max_length=120)
    description = TextField(default="")
    # One eligibility criterion per line; every one must be met unless a manager overrides.
    eligibility = TextField(default="")
    session_limit = IntegerField(null=True)   # None: no limit
    driver_cap = IntegerField(null=True)      # None: any number of drivers
    women_only = BooleanField(default=True)   # women-only services come first in referrals
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "programme"

    @property
    def criteria(self) -> list[str]:
        return [line.strip() for line in (self.eligibility or "").splitlines() if line.strip()]

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.active.desc(), fn.LOWER(cls.name))


class Enrolment(BaseModel):
    """A woman enrolled on a programme, from one of her referrals."""
    programme = ForeignKeyField(Programme, backref="enrolments", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    referral = ForeignKeyField(Referral, backref="+", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    worker = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    status = CharField(max_length=12, default="active", choices=list(ENROLMENT_STATUSES.items()))
    # [[criterion, true/false], ...] as answered when enrolling.
    eligibility_answers = TextField(default="[]")
    eligible = BooleanField(default=True)
    override_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    override_reason = TextField(default="")
    enrolled_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    enrolled_at = DateTimeField(default=utcnow)
    last_contact_on = DateField(null=True)   # the last attended session (or enrolment day)
    discharged_at = DateTimeField(null=True)
    discharged_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    discharge_summary = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        table_name = "enrolment"
        # One enrolment per referral and programme.
        indexes = ((("referral", "programme"), True), (("programme", "status"), False),
                   (("team", "status"), False))

    @property
    def answers(self) -> list[tuple[str, bool]]:
        try:
            return [(str(c), bool(a)) for c, a in json.loads(self.eligibility_answers or "[]")]
        except (ValueError, TypeError):
            return []

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def driver_keys(self) -> list[str]:
        return [d.driver for d in self.drivers.order_by(EnrolmentDriver.id)]

    def counted_sessions(self) -> int:
        return (self.sessions.where(PathwaySession.status.in_(COUNTED_STATUSES)).count())

    def sessions_left(self) -> int | None:
        limit = self.programme.session_limit
        return None if limit is None else max(0, limit - self.counted_sessions())

    @classmethod
    def visible_to(cls, team_ids: set[int] | None):
        """Enrolments on referrals the given teams may see."""
        query = cls.select()
        if team_ids is None:
            return query
        return query.where(Referral.visible_at(cls.referral, team_ids))


class EnrolmentDriver(BaseModel):
    """A driver of offending worked on in an enrolment (the programme may cap how many)."""
    enrolment = ForeignKeyField(Enrolment, backref="drivers", on_delete="RESTRICT")
    driver = CharField(max_length=30, choices=list(DRIVERS.items()))
    added_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "enrolment_driver"
        indexes = ((("enrolment", "driver"), True),)

    @property
    def label(self) -> str:
        return DRIVERS.get(self.driver, self.driver)


class PathwaySession(BaseModel):
    """A session on a pathway; the date is the Europe/London calendar date."""
    enrolment = ForeignKeyField(Enrolment, backref="sessions", on_delete="RESTRICT")
    planned_on = DateField()
    status = CharField(max_length=20, default="planned", choices=list(SESSION_STATUSES.items()))
    notes = TextField(default="")
    recorded_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "pathway_session"
        indexes = ((("enrolment", "planned_on"), False),)

    @property
    def status_label(self) -> str:
        return SESSION_STATUSES.get(self.status, self.status)


class SessionProgress(BaseModel):
    """How a session went for one driver."""
    session = ForeignKeyField(PathwaySession, backref="progress", on_delete="RESTRICT")
    driver = CharField(max_length=30, choices=list(DRIVERS.items()))
    level = CharField(max_length=20, choices=list(PROGRESS_LEVELS.items()))
    note = CharField(max_length=500, default="")

    class Meta:
        table_name = "session_progress"
        indexes = ((("session", "driver"), True),)

    @property
    def driver_label(self) -> str:
        return DRIVERS.get(self.driver, self.driver)

    @property
    def level_label(self) -> str:
        return PROGRESS_LEVELS.get(self.level, self.level)


class Goal(BaseModel):
    """A goal she set for one driver, with where it has got to."""
    enrolment = ForeignKeyField(Enrolment, backref="goals", on_delete="RESTRICT")
    driver = CharField(max_length=30, choices=list(DRIVERS.items()))
    text = CharField(max_length=300)
    status = CharField(max_length=20, default="not_started", choices=list(GOAL_STATUSES.items()))
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "goal"

    @property
    def driver_label(self) -> str:
        return DRIVERS.get(self.driver, self.driver)

    @property
    def status_label(self) -> str:
        return GOAL_STATUSES.get(self.status, self.status)


class RoadmapLink(BaseModel):
    """A link made for her on discharge (a college course, childcare, a support service).
    `service_id` names a directory service when it was picked from the directory."""
    enrolment = ForeignKeyField(Enrolment, backref="roadmap", on_delete="RESTRICT")
    category = CharField(max_length=20, choices=list(ROADMAP_CATEGORIES.items()))
    service_id = IntegerField(null=True)
    name = CharField(max_length=200)
    details = CharField(max_length=500, default="")   # contact, address, what happens next
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "roadmap_link"

    @property
    def category_label(self) -> str:
        return ROADMAP_CATEGORIES.get(self.category, self.category)


def days_since(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (today - day).days
