"""Demo referral history for the monitoring reports and the home page (fictional people):
the last three quarters for the manager's teams, and today's court list. It re-refers the
people case work's demo made (adding people only when case work has made none)."""
from __future__ import annotations

import datetime as dt

from models.base import writing
from models.people import ETHNICITIES, OUTCOMES, REFERRAL_SOURCES, Hearing, Person, Referral

from .period import add_months, london_midnight_utc, london_today, quarter_start

MARKER = "Demo referral for the monitoring reports."
TEAM_KEYS = ["magistrates", "custody", "crown", "women"]
COURTS = ["Highbury Corner Magistrates' Court", "Thames Magistrates' Court",
          "Snaresbrook Crown Court"]


def _people(demo, rnd) -> tuple[list, list]:
    """(women, everyone) to refer: case work's demo people, or 200 new ones without it."""
    people = list(Person.select(Person.id, Person.gender))
    if not people:
        genders = ["woman"] * 3 + ["man"] * 8 + ["non_binary", "not_stated"]
        ethnicities = list(ETHNICITIES)
        for _ in range(200):
            gender = rnd.choice(genders)
            people.append(Person.create(
                given_name=(demo.fake.first_name_female() if gender == "woman"
                            else demo.fake.first_name()),
                family_name=demo.fake.last_name(), gender=gender,
                ethnicity=rnd.choice(ethnicities),
                date_of_birth=demo.fake.date_of_birth(minimum_age=18, maximum_age=70)))
    women = [p for p in people if p.gender == "woman"] or people
    return women, people


def seed_demo(demo) -> None:
    """About 300 referrals over three quarters, some closed with outcomes; hearings today
    when nobody has listed any. Does nothing when the demo history is already there."""
    if Referral.select().where(Referral.reason == MARKER).exists():
        return
    rnd = demo.fake.random
    today = london_today()
    start = add_months(quarter_start(today), -6)
    days = (today - start).days + 1
    sources = list(REFERRAL_SOURCES)
    outcomes = list(OUTCOMES)
    practitioner = demo.users.get("practitioner")
    with writing():
        women, people = _people(demo, rnd)
        for n in range(300):
            team = demo.teams[TEAM_KEYS[n % len(TEAM_KEYS)]]
            person = rnd.choice(women if team == demo.teams["women"] else people)
            day = start + dt.timedelta(days=rnd.randrange(days))
            received = london_midnight_utc(day) + dt.timedelta(hours=rnd.randint(7, 18),
                                                               minutes=rnd.randrange(60))
            closed = day < today - dt.timedelta(days=14) and rnd.random() < 0.7
            Referral.create(
                person=person, team=team, received_at=received, source=rnd.choice(sources),
                screening_route=rnd.choice(["proactive", "reactive"]), reason=MARKER,
                status="closed" if closed else "open",
                outcome=rnd.choice(outcomes) if closed else None,
                closed_at=received + dt.timedelta(days=rnd.randint(1, 14)) if closed else None,
                assigned_to=practitioner if (not closed and team in (demo.teams["magistrates"],
                                                                      demo.teams["custody"])
                                             and rnd.random() < 0.3) else None)
        # Today's court list for the practitioner's teams, unless case work listed some.
        if Hearing.select().where(Hearing.date == today).exists():
            return
        open_referrals = (Referral.select().where((Referral.reason == MARKER)
                                                  & (Referral.status == "open")
                                                  & Referral.team.in_([demo.teams["magistrates"],
                                                                       demo.teams["custody"]]))
                          .limit(6))
        for i, referral in enumerate(open_referrals):
            Hearing.create(referral=referral, court=COURTS[i % 2], date=today,
                           time=dt.time(10 + i // 2, 30 * (i % 2)), courtroom=str(1 + i % 3),
                           purpose="first_appearance")
