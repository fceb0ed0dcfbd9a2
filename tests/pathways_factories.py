"""Builders for pathway and housing test data (fictional)."""
from __future__ import annotations

from models.housing import Property, Unit, WaitingEntry
from models.pathways import Programme
from tests.factories import make_person, make_referral

SAR_CRITERIA = ("A community sentence is being considered\n"
                "Supervision of at least 6 months is proposed\n"
                "She is committed to engaging with the sessions")


def make_programme(key: str = "sar", **fields) -> Programme:
    """The programme with `key` (SAR by default: 8 sessions, 3 drivers), made if missing."""
    existing = Programme.get_or_none(Programme.key == key)
    if existing is not None:
        if fields:
            Programme.update(**fields).where(Programme.id == existing.id).execute()
            existing = Programme.get_by_id(existing.id)
        return existing
    values = dict(name="Specified Activity Requirement (SAR)", eligibility=SAR_CRITERIA,
                  session_limit=8, driver_cap=3, women_only=True)
    if key != "sar":
        values.update(name=key.replace("_", " ").title(), eligibility="She agrees to take part",
                      session_limit=None, driver_cap=None)
    values.update(fields)
    return Programme.create(key=key, **values)


def make_woman_referral(team, **fields):
    return make_referral(make_person(gender="woman", **fields), team)


def make_property(team, units=("Flat 1", "Flat 2"), name="Mare Street House",
                  provider="Hackney Housing Charity") -> tuple[Property, list[Unit]]:
    prop = Property.create(name=name, provider=provider, team=team, address="1 Mare Street")
    return prop, [Unit.create(building=prop, label=label) for label in units]


def make_waiting(team, priority: int = 2, needs: str = "Needs a ground-floor flat") -> WaitingEntry:
    referral = make_woman_referral(team)
    return WaitingEntry.create(person=referral.person_id, referral=referral, team=team,
                               priority=priority, needs_summary=needs)
