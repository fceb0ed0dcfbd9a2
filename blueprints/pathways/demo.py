"""Demo pathways and housing (fictional): about 30 enrolments at different stages, two
properties with 5 + 3 units, some of them occupied, and a waiting list of 8.

Uses the women's team's open referrals from the case-work demo first, and makes a few more
fictional women when there are not enough. Idempotent: nothing is added when the demo
properties are already there."""
from __future__ import annotations

import datetime as dt
import random

from models.base import writing
from models.housing import Placement, Property, Unit, WaitingEntry
from models.pathways import DRIVERS, Enrolment, Programme
from models.people import Person, Referral

from . import enrolments as rules
from . import placements

PROPERTIES = [
    ("Mare Street House", "Mare Street, Hackney, London E8", "Hackney Women's Housing Trust",
     [f"Flat {n}" for n in range(1, 6)]),
    ("Well Street Rooms", "Well Street, Hackney, London E9", "Eastside Housing Association",
     ["Room A", "Room B", "Room C"]),
]
NEEDS = ["Ground-floor flat, uses a stick", "Two children under 5 with her",
         "Leaving an abusive partner; needs a safe address", "Prison leaver, release in 3 weeks",
         "Methadone script; needs a local chemist", "Sofa surfing with a friend",
         "Needs step-free access", "Rough sleeping since last month"]
LINKS = [("college", "Hackney Community College", "ESOL and maths, enrolment in September"),
         ("childcare", "Clapton Children's Centre", "Free nursery hours from her daughter's 3rd birthday"),
         ("employment", "Women into Work Hackney", "First meeting booked with an adviser"),
         ("housing", "Hackney Housing Options", "Bid reference given; call every Monday"),
         ("support", "Hackney Women's Centre", "Drop-in on Tuesdays, 10 to 12")]


def _woman(demo, team, user, n: int) -> Referral:
    fake = demo.fake
    with writing():
        person = Person.create(given_name=fake.first_name_female(), family_name=fake.last_name(),
                               gender="woman", date_of_birth=fake.date_of_birth(
                                   minimum_age=19, maximum_age=58),
                               housing_status=random.Random(n).choice(
                                   ["temporary", "sofa_surfing", "settled", "no_fixed_abode"]),
                               created_by=user)
        return Referral.create(person=person, team=team, source=random.Random(n).choice(
            ["magistrates_court", "probation", "police_custody", "prison"]),
            screening_route="reactive", reason="Referred to the women's service.",
            assigned_to=user, created_by=user)


def _women_referrals(demo, team, user, needed: int = 15) -> list[Referral]:
    """Open referrals of women held by the women's team (one per woman), topped up with
    new fictional women only when there are fewer than `needed` (no case-work demo)."""
    rows, seen = [], set()
    for referral in (Referral.select().join(Person)
                     .where((Referral.team == team) & (Referral.status == "open")
                            & (Person.gender == "woman")).order_by(Referral.id)):
        if referral.person_id not in seen:
            seen.add(referral.person_id)
            rows.append(referral)
    n = 0
    while len(rows) < needed:
        n += 1
        rows.append(_woman(demo, team, user, n))
    return rows


def seed_demo(demo) -> None:
    """Programmes come from migration 041; here: women, enrolments and the housing board."""
    if Property.select().where(Property.name == PROPERTIES[0][0]).exists():
        return
    team = demo.teams["women"]
    coordinator, manager = demo.users["coordinator"], demo.users["manager"]
    rng = random.Random(2026)
    today = dt.date.today()
    programmes = {p.key: p for p in Programme.select()}
    women = _women_referrals(demo, team, coordinator)
    pool = iter(women[:15])  # the housing board's women (some are on pathways too)
    plan = (["sar"] * 12 + ["womens_liaison"] * 8 + ["mhtr"] * 4 + ["reconnect"] * 3
            + ["housing"] * 3)
    for n, key in enumerate(plan):
        programme = programmes.get(key)
        if programme is None:
            continue
        referral = women[n % len(women)]
        cap = programme.driver_cap or 3
        drivers = rng.sample(list(DRIVERS), rng.randint(1, cap))
        ineligible = n == 5
        if Enrolment.select().where((Enrolment.referral == referral)
                                    & (Enrolment.programme == programme)).exists():
            continue
        enrolment = rules.enrol(programme, referral, [not ineligible] * len(programme.criteria)
                                if not ineligible else [True] + [False] * (
                                    len(programme.criteria) - 1),
                                drivers, manager if ineligible else coordinator,
                                override_reason="The court asked for her to join; supervision "
                                                "is 5 months." if ineligible else "")
        started = today - dt.timedelta(days=rng.randint(20, 120))
        Enrolment.update(enrolled_at=dt.datetime.combine(started, dt.time(10)),
                         last_contact_on=started).where(
            Enrolment.id == enrolment.id).execute()
        done = rng.randint(0, programme.session_limit or 6)
        for s in range(done):
            day = started + dt.timedelta(days=7 * (s + 1))
            if day >= today:
                break
            status = rng.choice(["attended"] * 5 + ["did_not_attend", "cancelled"])
            rules.add_session(enrolment, day, status,
                              "Met at the women's centre." if status == "attended" else "",
                              coordinator)
        if n % 3 != 2 and (programme.session_limit is None
                           or enrolment.counted_sessions() < programme.session_limit):
            rules.add_session(enrolment, today + dt.timedelta(days=rng.randint(1, 14)),
                              "planned", "", coordinator)
        for driver in drivers[:2]:
            rules.add_goal(enrolment, driver, rng.choice([
                "Keep her appointments with the GP", "Open a bank account",
                "Get back in touch with her sister", "Bid for a council flat",
                "Start an ESOL course"]), coordinator)
        if n % 4 == 3:  # finished: a roadmap and a discharge
            for category, name, details in rng.sample(LINKS, 3):
                rules.add_roadmap_link(enrolment, category, name, details, coordinator)
            rules.discharge(Enrolment.get_by_id(enrolment.id),
                            Enrolment.get_by_id(enrolment.id).version,
                            "She finished her sessions and knows where to go next.",
                            coordinator)

    units = []
    with writing():
        for name, address, provider, labels in PROPERTIES:
            prop = Property.create(name=name, address=address, provider=provider, team=team)
            units += [Unit.create(building=prop, label=label, updated_by=coordinator)
                      for label in labels]
    # Six women placed (one moved on already), one offer pending, one unit void.
    for n in range(6):
        entry = placements.add_to_waiting_list(next(pool),
                                               rng.randint(1, 3), NEEDS[n], coordinator)
        unit = Unit.get_by_id(units[n].id)
        placements.offer(unit, unit.version, entry, entry.version, coordinator)
        unit = Unit.get_by_id(unit.id)
        moved_in = today - dt.timedelta(days=rng.randint(40, 300))
        placements.move_in(unit, unit.version, moved_in, moved_in + dt.timedelta(days=365),
                           coordinator)
        WaitingEntry.update(added_at=dt.datetime.combine(
            moved_in - dt.timedelta(days=rng.randint(10, 60)), dt.time(9))).where(
            WaitingEntry.id == entry.id).execute()
        Placement.update(offered_at=dt.datetime.combine(
            moved_in - dt.timedelta(days=3), dt.time(11))).where(
            Placement.waiting_entry == entry.id).execute()
        if n == 5:
            unit = Unit.get_by_id(unit.id)
            placements.move_on(unit, unit.version, today - dt.timedelta(days=5),
                               "independent_tenancy", coordinator)
    entry = placements.add_to_waiting_list(next(pool), 1,
                                           "Leaving hospital next week", coordinator)
    unit = Unit.get_by_id(units[6].id)
    placements.offer(unit, unit.version, entry, entry.version, coordinator)
    unit = Unit.get_by_id(units[7].id)
    placements.set_void(unit, unit.version, True, coordinator)
    for n in range(8):
        entry = placements.add_to_waiting_list(next(pool),
                                               rng.randint(1, 3), NEEDS[n], coordinator)
        WaitingEntry.update(added_at=dt.datetime.combine(
            today - dt.timedelta(days=rng.randint(1, 90)), dt.time(9))).where(
            WaitingEntry.id == entry.id).execute()
