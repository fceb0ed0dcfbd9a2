"""Referrals of a person to a directory service, tracked to an outcome.

A service referral belongs to one of the person's referrals (episodes), so the teams that
may see that referral see it, and nobody else. Its status moves

    made -> accepted | declined | no response
    no response -> accepted | declined        (the service answered late)
    accepted -> engaged | did not engage

and every change is kept with its date and note (ServiceReferralUpdate), never edited.
"""
from __future__ import annotations

import datetime as dt

from peewee import (CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField,
                    fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .directory import REFERRAL_METHODS, Service
from .people import Person, Referral
from .prepared import prepared, team_list

SERVICE_REFERRAL_STATUSES = {
    "made": "Referral made",
    "accepted": "Accepted",
    "declined": "Declined",
    "no_response": "No response",
    "engaged": "Engaged",
    "did_not_engage": "Did not engage",
}
# status -> the statuses it may change to (the rule lives here, not in the views).
STATUS_CHANGES = {
    "made": ("accepted", "declined", "no_response"),
    "no_response": ("accepted", "declined"),
    "accepted": ("engaged", "did_not_engage"),
    "declined": (),
    "engaged": (),
    "did_not_engage": (),
}
# Still waiting on something: these are followed up.
OPEN_STATUSES = ("made", "no_response", "accepted")
METHODS = dict(REFERRAL_METHODS, in_person="In person")


class ServiceReferralRefused(ValueError):
    """A change the rules do not allow; str() is the message for the user."""


class ServiceReferral(BaseModel):
    referral = ForeignKeyField(Referral, backref="service_referrals", on_delete="RESTRICT")
    # Archived services stay attached to the referrals made to them.
    service = ForeignKeyField(Service, backref="referrals", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")  # the team that referred
    reason = TextField(default="")
    method = CharField(max_length=20, choices=list(METHODS.items()))
    sent_on = DateField()
    follow_up_on = DateField(null=True, index=True)
    status = CharField(max_length=20, default="made",
                       choices=list(SERVICE_REFERRAL_STATUSES.items()))
    status_on = DateField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "service_referral"
        indexes = ((("service", "sent_on"), False), (("status", "follow_up_on"), False))

    @property
    def status_label(self) -> str:
        return SERVICE_REFERRAL_STATUSES.get(self.status, self.status)

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return STATUS_CHANGES.get(self.status, ())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.is_open and self.follow_up_on is not None and self.follow_up_on < today

    @staticmethod
    def check_dates(sent_on: dt.date, follow_up_on: dt.date | None,
                    today: dt.date | None = None) -> None:
        today = today or dt.date.today()
        if sent_on > today:
            raise ServiceReferralRefused("The date sent cannot be in the future.")
        if follow_up_on is not None and follow_up_on < sent_on:
            raise ServiceReferralRefused("The follow-up date cannot be before the date sent.")

    def check_change(self, new_status: str, on: dt.date, today: dt.date | None = None) -> None:
        """Raise ServiceReferralRefused unless the status may change to `new_status` on `on`."""
        today = today or dt.date.today()
        if new_status not in SERVICE_REFERRAL_STATUSES:
            raise ServiceReferralRefused("Choose a status from the list.")
        if new_status not in self.next_statuses:
            allowed = ", ".join(SERVICE_REFERRAL_STATUSES[s].lower() for s in self.next_statuses)
            raise ServiceReferralRefused(
                f"A referral that is “{self.status_label.lower()}” cannot become "
                f"“{SERVICE_REFERRAL_STATUSES[new_status].lower()}”"
                + (f": it can become {allowed}." if allowed else ": it is finished."))
        if on > today:
            raise ServiceReferralRefused("The date of the change cannot be in the future.")
        if on < self.sent_on or on < self.status_on:
            raise ServiceReferralRefused("The date of the change cannot be before the "
                                         "referral was sent or its last change.")

    def change_status(self, new_status: str, on: dt.date, note: str, author) -> "ServiceReferralUpdate":
        """Apply a status change after checking the rules; keep it in the history (call
        inside writing())."""
        self.check_change(new_status, on)
        expected = self.version
        moved = (ServiceReferral.update(status=new_status, status_on=on,
                                        version=ServiceReferral.version + 1)
                 .where((ServiceReferral.id == self.id) & (ServiceReferral.version == expected)
                        & (ServiceReferral.status == self.status)).execute())
        if not moved:
            raise ServiceReferralRefused("Someone else updated this referral just now: "
                                         "check its status and try again.")
        old = self.status
        self.status, self.status_on, self.version = new_status, on, expected + 1
        return ServiceReferralUpdate.create(service_referral=self, from_status=old,
                                            status=new_status, changed_on=on, note=note or "",
                                            author=author)

    @classmethod
    def visible_to(cls, team_ids: set[int] | None):
        """Service referrals on referrals the given teams may see (None: all)."""
        query = cls.select()
        if team_ids is None:
            return query
        return query.where(Referral.visible_at(cls.referral, team_ids))


class ServiceReferralUpdate(BaseModel):
    """One step of a service referral: its status from a date, with a note."""
    service_referral = ForeignKeyField(ServiceReferral, backref="updates", on_delete="RESTRICT")
    from_status = CharField(max_length=20, default="")
    status = CharField(max_length=20, choices=list(SERVICE_REFERRAL_STATUSES.items()))
    changed_on = DateField()
    note = TextField(default="")
    author = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "service_referral_update"

    @property
    def status_label(self) -> str:
        return SERVICE_REFERRAL_STATUSES.get(self.status, self.status)


def _overdue(teams, today):
    """Service referrals still waiting on something whose follow-up date has passed."""
    return (ServiceReferral.visible_to(teams)
            .where(ServiceReferral.status.in_(OPEN_STATUSES)
                   & (ServiceReferral.follow_up_on < today)))


def overdue_service_referrals(team_ids: set[int] | None, today: dt.date | None = None):
    """Service referrals still waiting on something whose follow-up date has passed, for
    the given teams (the dashboard's "follow-ups due"), oldest follow-up first."""
    return (_overdue(team_ids, today or dt.date.today())
            .select(ServiceReferral, Service, Referral)
            .join(Service).switch(ServiceReferral).join(Referral)
            .order_by(ServiceReferral.follow_up_on, ServiceReferral.id))


# The home page shows the first of them on every view: only what its list shows.
_overdue_listed = prepared(lambda teams, today, limit: _overdue(teams, today)
                           .select(ServiceReferral.id, ServiceReferral.status,
                                   ServiceReferral.follow_up_on, ServiceReferral.referral,
                                   Service.id, Service.name, Referral.id, Referral.person,
                                   Person.id, Person.given_name, Person.family_name)
                           .join(Service).switch(ServiceReferral).join(Referral).join(Person)
                           .order_by(ServiceReferral.follow_up_on, ServiceReferral.id)
                           .limit(limit))
_overdue_counted = prepared(lambda teams, today: _overdue(teams, today)
                            .select(fn.COUNT(ServiceReferral.id).alias("n")))


def overdue_for_list(team_ids: set[int] | None, limit: int,
                     today: dt.date | None = None) -> tuple[list[ServiceReferral], int]:
    """The first `limit` overdue service referrals, each with its service and person (what
    the home page lists), and how many there are in all."""
    values = dict(teams=team_list(team_ids), today=today or dt.date.today())
    return _overdue_listed(limit=limit, **values), _overdue_counted(**values)[0].n


def referral_figures(service: Service, team_ids: set[int] | None,
                     today: dt.date | None = None) -> list[dict]:
    """How many referrals the given teams made to `service`, and how many of those people
    engaged, over the last 3 months, the last 12 months and since records began."""
    today = today or dt.date.today()
    from .directory import twelve_months_before
    three_months = today - dt.timedelta(days=91)
    periods = [("Last 3 months", three_months), ("Last 12 months", twelve_months_before(today)),
               ("All time", None)]
    base = ServiceReferral.select().where(ServiceReferral.service == service)
    if team_ids is not None:
        base = base.where(ServiceReferral.team.in_(sorted(team_ids)))
    out = []
    for label, since in periods:
        query = base if since is None else base.where(ServiceReferral.sent_on >= since)
        made = query.count()
        engaged = query.where(ServiceReferral.status == "engaged").count()
        out.append({"period": label, "made": made, "engaged": engaged,
                    "share": round(100 * engaged / made) if made else None})
    return out


SERVICE_REFERRAL_MODELS = [ServiceReferral, ServiceReferralUpdate]
__all__ = ["ServiceReferral", "ServiceReferralUpdate", "overdue_for_list",
           "overdue_service_referrals", "referral_figures"]
