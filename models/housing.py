"""Housing placements: properties run with a partner provider, their units, the waiting
list, placements (an offer, then an occupancy) and the history of every change.

A unit holds one person at a time. That is enforced by the database, not only here: the
placement table has a unique partial index on unit_id WHERE ended_at IS NULL (migration
040), so a second open placement of the same unit fails whatever the application does.
Units, waiting-list entries and placements carry a version column for optimistic locking.
"""
from __future__ import annotations

from peewee import (CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField, fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Person, Referral

UNIT_STATUSES = {
    "vacant": "Vacant",
    "offered": "Offered",
    "occupied": "Occupied",
    "void": "Void (repairs)",
}

WAITING_STATUSES = {
    "waiting": "Waiting",
    "offered": "Offered a place",
    "placed": "Placed",
    "withdrawn": "No longer waiting",
}

PRIORITIES = {1: "Urgent", 2: "High", 3: "Standard"}

DESTINATIONS = {
    "independent_tenancy": "Independent tenancy",
    "supported_housing": "Other supported housing",
    "family": "Family",
    "custody": "Custody",
    "unknown": "Unknown",
}

# Why a placement ended.
END_REASONS = {
    "declined": "Offer not taken up",
    "withdrawn": "Offer withdrawn",
    "moved_on": "Moved on",
}


class Property(BaseModel):
    name = CharField(max_length=120)
    address = CharField(max_length=300, default="")
    provider = CharField(max_length=120)      # the partner housing provider
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "property"


class Unit(BaseModel):
    # (Named `building`: a field called `property` would hide Python's @property here.)
    building = ForeignKeyField(Property, backref="units", column_name="property_id",
                               object_id_name="building_id",
                               on_delete="RESTRICT")
    label = CharField(max_length=60)
    status = CharField(max_length=10, default="vacant", choices=list(UNIT_STATUSES.items()))
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    version = IntegerField(default=1)

    class Meta:
        table_name = "housing_unit"
        indexes = ((("building", "label"), True),)

    @property
    def status_label(self) -> str:
        return UNIT_STATUSES.get(self.status, self.status)


class WaitingEntry(BaseModel):
    """A woman on the waiting list, from one of her referrals."""
    person = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    referral = ForeignKeyField(Referral, backref="+", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    priority = IntegerField(default=3)
    needs_summary = CharField(max_length=300, default="")
    status = CharField(max_length=10, default="waiting", choices=list(WAITING_STATUSES.items()))
    added_at = DateTimeField(default=utcnow)
    added_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    version = IntegerField(default=1)

    class Meta:
        table_name = "waiting_entry"
        indexes = ((("team", "status"), False),)

    @property
    def priority_label(self) -> str:
        return PRIORITIES.get(self.priority, str(self.priority))

    @property
    def status_label(self) -> str:
        return WAITING_STATUSES.get(self.status, self.status)


class Placement(BaseModel):
    """An offer of a unit to a woman, which becomes an occupancy when she moves in.

    Open while ended_at is NULL. Two unique partial indexes (migration 040): one open
    placement per unit, and one per person."""
    unit = ForeignKeyField(Unit, backref="placements", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    waiting_entry = ForeignKeyField(WaitingEntry, null=True, backref="placements",
                                    on_delete="RESTRICT")
    offered_at = DateTimeField(default=utcnow)
    offered_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    moved_in_on = DateField(null=True)           # Europe/London calendar dates
    expected_move_on = DateField(null=True)
    moved_out_on = DateField(null=True)
    ended_at = DateTimeField(null=True)
    end_reason = CharField(max_length=10, null=True, choices=list(END_REASONS.items()))
    destination = CharField(max_length=30, null=True, choices=list(DESTINATIONS.items()))
    ended_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    version = IntegerField(default=1)

    class Meta:
        table_name = "placement"
        indexes = ((("unit", "offered_at"), False),)

    @property
    def destination_label(self) -> str:
        return DESTINATIONS.get(self.destination or "", "")


class HousingEvent(BaseModel):
    """The history of the board: every change of a unit or of the waiting list."""
    unit = ForeignKeyField(Unit, null=True, backref="events", on_delete="RESTRICT")
    waiting_entry = ForeignKeyField(WaitingEntry, null=True, backref="events",
                                    on_delete="RESTRICT")
    placement = ForeignKeyField(Placement, null=True, backref="+", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=30)
    from_status = CharField(max_length=10, default="")
    to_status = CharField(max_length=10, default="")
    detail = CharField(max_length=200, default="")
    by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "housing_event"
        indexes = ((("team", "at"), False),)

    @classmethod
    def latest_id(cls, team_ids: set[int] | None) -> int:
        """The newest event the given teams' board shows (the board's change stamp)."""
        query = cls.select(fn.MAX(cls.id))
        if team_ids is not None:
            query = query.where(cls.team.in_(sorted(team_ids)))
        return query.scalar() or 0
