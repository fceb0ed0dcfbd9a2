"""The housing board's changes: waiting list -> offer -> occupied -> moved on, plus voids.

Each change runs in one transaction with its history row and its audit event. Two guards
stop two coordinators from overwriting each other or double-booking a unit:
- optimistic locking: a change names the unit (and waiting-list entry) version the user
  saw; if the row has moved on, the change is refused with who changed it and when;
- the database: one open placement per unit and per person (unique partial indexes), so
  even a change that slipped past the version check cannot put two people in one unit.
"""
from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

from models.base import update_if_version, utcnow, writing
from models.housing import (DESTINATIONS, PRIORITIES, HousingEvent, Placement, Unit,
                            WaitingEntry)

from ..audit import audit
from ..formats import local_time


class TransitionRefused(ValueError):
    """A change the board's rules do not allow; str() is the message for the user."""


class Conflict(Exception):
    """Someone else changed the unit (or the waiting-list entry) since the user loaded it."""

    def __init__(self, what: str, row):
        self.what, self.row = what, row
        super().__init__(what)

    @property
    def message(self) -> str:
        """Who changed it and when (read after the refused change was rolled back)."""
        row = type(self.row).get_by_id(self.row.id)   # the current state, after rollback
        who = row.updated_by.name if row.updated_by_id else "someone else"
        at = local_time(row.updated_at)
        when = f" at {at:%H:%M}" if at else ""
        return f"{self.what} was changed by {who}{when} — here is the current state."


def _unit_label(unit: Unit) -> str:
    return f"{unit.building.name}, {unit.label}"


def _check_version(row, expected, what: str) -> None:
    if expected is None or int(expected) != row.version:
        raise Conflict(what, row)


def _bump_unit(unit: Unit, expected: int, status: str, user) -> None:
    if not update_if_version(unit, expected, status=status, updated_at=utcnow(),
                             updated_by=user):
        raise Conflict(f"Unit {_unit_label(unit)}", unit)


def _bump_entry(entry: WaitingEntry, expected: int, status: str, user) -> None:
    changes = dict(status=status, updated_at=utcnow(), updated_by=user)
    if status in ("placed", "withdrawn"):
        changes["closed_at"] = utcnow()
    elif status == "waiting":
        changes["closed_at"] = None
    if not update_if_version(entry, expected, **changes):
        raise Conflict("Her waiting-list entry", entry)


def _history(unit, entry, placement, action, before, after, user, detail="") -> None:
    team_id = unit.building.team_id if unit is not None else entry.team_id
    HousingEvent.create(unit=unit, waiting_entry=entry, placement=placement, team=team_id,
                        action=action, from_status=before, to_status=after,
                        detail=detail[:200], by=user)
    person_id = placement.person_id if placement else (entry.person_id if entry else None)
    audit(f"housing.{action}", actor=user, object_type="housing_unit" if unit else "waiting_entry",
          object_id=unit.id if unit else entry.id, person_id=person_id, team_id=team_id,
          detail=f"{before}->{after}" + (f" {detail}" if detail else ""))


def open_placement(unit: Unit) -> Placement | None:
    return (Placement.select().where((Placement.unit == unit) & Placement.ended_at.is_null())
            .first())


def add_to_waiting_list(referral, priority: int, needs_summary: str, user) -> WaitingEntry:
    """Put her on the waiting list of the referral's team."""
    if priority not in PRIORITIES:
        raise TransitionRefused("Choose a priority from the list.")
    with writing():
        already = (WaitingEntry.select()
                   .where((WaitingEntry.person == referral.person_id)
                          & (WaitingEntry.team == referral.team_id)
                          & WaitingEntry.status.in_(("waiting", "offered"))).exists())
        if already:
            raise TransitionRefused("She is already on this team's waiting list.")
        entry = WaitingEntry.create(person=referral.person_id, referral=referral,
                                    team=referral.team_id, priority=priority,
                                    needs_summary=needs_summary, added_by=user,
                                    updated_by=user)
        _history(None, entry, None, "listed", "", "waiting", user)
    return entry


def offer(unit: Unit, unit_version, entry: WaitingEntry, entry_version, user) -> Placement:
    """Offer a vacant unit to a woman who is waiting."""
    with writing():
        unit, entry = Unit.get_by_id(unit.id), WaitingEntry.get_by_id(entry.id)
        _check_version(unit, unit_version, f"Unit {_unit_label(unit)}")
        _check_version(entry, entry_version, "Her waiting-list entry")
        if unit.status != "vacant":
            raise TransitionRefused(f"{_unit_label(unit)} is {unit.status_label.lower()}: "
                                    "only a vacant unit can be offered.")
        if entry.status != "waiting":
            raise TransitionRefused("She is not waiting any more "
                                    f"({entry.status_label.lower()}).")
        if entry.team_id != unit.building.team_id:
            raise TransitionRefused("She is on another team's waiting list.")
        _bump_unit(unit, unit.version, "offered", user)
        _bump_entry(entry, entry.version, "offered", user)
        try:
            with writing():  # a savepoint: the unique index refuses a second open placement
                placement = Placement.create(unit=unit, person=entry.person_id,
                                             waiting_entry=entry, offered_by=user)
        except IntegrityError:
            raise Conflict(f"Unit {_unit_label(unit)}", unit) from None
        _history(unit, entry, placement, "offered", "vacant", "offered", user)
    return placement


def move_in(unit: Unit, unit_version, moved_in_on: dt.date, expected_move_on: dt.date | None,
            user) -> Placement:
    """She has taken up the offer and moved in."""
    with writing():
        unit = Unit.get_by_id(unit.id)
        _check_version(unit, unit_version, f"Unit {_unit_label(unit)}")
        if unit.status != "offered":
            raise TransitionRefused(f"{_unit_label(unit)} is {unit.status_label.lower()}: "
                                    "only an offered unit can be moved into.")
        if expected_move_on and expected_move_on < moved_in_on:
            raise TransitionRefused("The expected move-on date must be after the move-in date.")
        # Bump (and so lock) the unit before reading its placement: every change of a
        # placement bumps its unit first, so what we read next cannot move under us.
        _bump_unit(unit, unit.version, "occupied", user)
        placement = open_placement(unit)
        update_if_version(placement, placement.version, moved_in_on=moved_in_on,
                          expected_move_on=expected_move_on)
        entry = placement.waiting_entry
        if entry is not None:
            _bump_entry(entry, entry.version, "placed", user)
        _history(unit, entry, placement, "moved_in", "offered", "occupied", user)
    return placement


def end_offer(unit: Unit, unit_version, user, reason: str = "declined") -> Placement:
    """The offer is not taken up (or withdrawn): the unit is vacant, she waits again."""
    if reason not in ("declined", "withdrawn"):
        raise TransitionRefused("Choose why the offer ended.")
    with writing():
        unit = Unit.get_by_id(unit.id)
        _check_version(unit, unit_version, f"Unit {_unit_label(unit)}")
        if unit.status != "offered":
            raise TransitionRefused(f"{_unit_label(unit)} is {unit.status_label.lower()}: "
                                    "there is no offer to end.")
        _bump_unit(unit, unit.version, "vacant", user)
        placement = open_placement(unit)
        update_if_version(placement, placement.version, ended_at=utcnow(), end_reason=reason,
                          ended_by=user)
        entry = placement.waiting_entry
        if entry is not None:
            _bump_entry(entry, entry.version, "waiting", user)
        _history(unit, entry, placement, "offer_ended", "offered", "vacant", user, reason)
    return placement


def move_on(unit: Unit, unit_version, moved_out_on: dt.date, destination: str,
            user) -> Placement:
    """She has moved on: record where to; the unit is vacant again."""
    if destination not in DESTINATIONS:
        raise TransitionRefused("Choose where she moved on to.")
    with writing():
        unit = Unit.get_by_id(unit.id)
        _check_version(unit, unit_version, f"Unit {_unit_label(unit)}")
        if unit.status != "occupied":
            raise TransitionRefused(f"{_unit_label(unit)} is {unit.status_label.lower()}: "
                                    "only an occupied unit can be moved on from.")
        _bump_unit(unit, unit.version, "vacant", user)
        placement = open_placement(unit)
        if placement.moved_in_on and moved_out_on < placement.moved_in_on:
            raise TransitionRefused("The move-on date cannot be before she moved in.")
        update_if_version(placement, placement.version, ended_at=utcnow(), end_reason="moved_on",
                          destination=destination, moved_out_on=moved_out_on, ended_by=user)
        _history(unit, placement.waiting_entry, placement, "moved_on", "occupied", "vacant",
                 user, destination)
    return placement


def set_void(unit: Unit, unit_version, void: bool, user) -> Unit:
    """Take a vacant unit out of use for repairs, or bring a void unit back."""
    before, after = ("vacant", "void") if void else ("void", "vacant")
    with writing():
        unit = Unit.get_by_id(unit.id)
        _check_version(unit, unit_version, f"Unit {_unit_label(unit)}")
        if unit.status != before:
            raise TransitionRefused(f"{_unit_label(unit)} is {unit.status_label.lower()}: "
                                    + ("only a vacant unit can be made void."
                                       if void else "it is not void."))
        _bump_unit(unit, unit.version, after, user)
        _history(unit, None, None, "void" if void else "back_in_use", before, after, user)
    return unit


def withdraw(entry: WaitingEntry, entry_version, user) -> WaitingEntry:
    """Take her off the waiting list (she no longer needs a place, or found one elsewhere)."""
    with writing():
        entry = WaitingEntry.get_by_id(entry.id)
        _check_version(entry, entry_version, "Her waiting-list entry")
        if entry.status != "waiting":
            raise TransitionRefused("Only someone who is waiting can be taken off the list "
                                    f"(she is {entry.status_label.lower()}).")
        _bump_entry(entry, entry.version, "withdrawn", user)
        _history(None, entry, None, "withdrawn", "waiting", "withdrawn", user)
    return entry
