"""Bench data for pathways and housing: SAR enrolments with sessions and drivers in the
bench coordinator's team (and others), two properties with 5 + 3 units, a waiting list."""
from __future__ import annotations

import datetime as dt
import random

from models.base import writing
from models.housing import Placement, Property, Unit, WaitingEntry
from models.pathways import (DRIVERS, Enrolment, EnrolmentDriver, PathwaySession, Programme)
from models.people import Person, Referral


def sar_caseload_path() -> str:
    """The SAR programme's caseload in the bench database (its id is whatever the
    migrations gave it, so it is looked up rather than assumed)."""
    return f"/pathways/{Programme.get(Programme.key == 'sar').id}/caseload"


def generate_pathways(ctx, scale: int) -> None:
    """scale x 300 SAR enrolments (a third in the first team), 8 units, 8 waiting."""
    rng = random.Random(11)
    today = dt.date.today()
    sar = Programme.get(Programme.key == "sar")
    coordinator = ctx.users["coordinator"]
    with writing():
        for n in range(300 * scale):
            team = ctx.teams[0] if n % 3 == 0 else rng.choice(ctx.teams[1:])
            person = Person.create(given_name=ctx.fake.first_name_female(),
                                   family_name=ctx.fake.last_name(), gender="woman")
            referral = Referral.create(person=person, team=team, source="magistrates_court",
                                       screening_route="reactive")
            started = today - dt.timedelta(days=rng.randint(10, 200))
            enrolment = Enrolment.create(programme=sar, person=person, referral=referral,
                                         team=team, worker=coordinator, enrolled_by=coordinator,
                                         eligibility_answers="[]", last_contact_on=started,
                                         status="active" if n % 5 else "discharged")
            for driver in rng.sample(list(DRIVERS), 3):
                EnrolmentDriver.create(enrolment=enrolment, driver=driver)
            PathwaySession.insert_many([
                {"enrolment": enrolment.id, "planned_on": started + dt.timedelta(days=7 * s),
                 "status": "attended" if started + dt.timedelta(days=7 * s) < today
                 else "planned", "notes": "Bench session."} for s in range(rng.randint(0, 8))
            ]).execute() if rng.random() < 0.9 else None
        team = ctx.teams[0]
        units = []
        for name, labels in (("Bench House", [f"Flat {k}" for k in range(1, 6)]),
                             ("Bench Rooms", ["Room A", "Room B", "Room C"])):
            prop = Property.create(name=name, provider="Bench Housing", team=team)
            units += [Unit.create(building=prop, label=label) for label in labels]
        for n in range(14):
            person = Person.create(given_name=ctx.fake.first_name_female(),
                                   family_name=ctx.fake.last_name(), gender="woman")
            referral = Referral.create(person=person, team=team, source="probation",
                                       screening_route="reactive")
            entry = WaitingEntry.create(person=person, referral=referral, team=team,
                                        priority=rng.randint(1, 3),
                                        needs_summary="Needs a safe address near her children")
            if n < 6:
                WaitingEntry.update(status="placed").where(WaitingEntry.id == entry.id).execute()
                Placement.create(unit=units[n], person=person, waiting_entry=entry,
                                 moved_in_on=today - dt.timedelta(days=30 * n + 5))
                Unit.update(status="occupied").where(Unit.id == units[n].id).execute()
