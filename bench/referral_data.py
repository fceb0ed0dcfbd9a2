"""Benchmark data for the home page and the monitoring reports: 100,000 people a scale
unit with 1.3 referrals each over two years across the 20 bench teams, a court list today
and open referrals for the bench practitioner. The bench manager is put in every team, so
the reports page counts all of it."""
from __future__ import annotations

import datetime as dt
import random

from models.accounts import Membership
from models.base import db, utcnow
from models.people import ETHNICITIES, GENDERS, OUTCOMES, REFERRAL_SOURCES, Hearing, Person, Referral

from blueprints.dashboard.period import london_today

BATCH = 2000


def _insert(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        with db.atomic():
            model.insert_many(rows[i:i + BATCH]).execute()


def generate_referrals(ctx, scale: int) -> None:
    rnd = random.Random(11)
    given = [ctx.fake.first_name() for _ in range(400)]
    family = [ctx.fake.last_name() for _ in range(400)]
    genders = ["woman"] * 25 + ["man"] * 70 + list(GENDERS)[2:] * 1
    ethnicities = list(ETHNICITIES)
    now = utcnow()
    people = 100_000 * scale
    if Person.select().count() < people:
        _insert(Person, [{"given_name": rnd.choice(given), "family_name": rnd.choice(family),
                          "gender": rnd.choice(genders), "ethnicity": rnd.choice(ethnicities),
                          "date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(20000)),
                          "created_at": now, "updated_at": now} for _ in range(people)])
    person_ids = [p for (p,) in Person.select(Person.id).tuples()]
    team_ids = [t.id for t in ctx.teams]
    sources, outcomes = list(REFERRAL_SOURCES), list(OUTCOMES)
    rows = []
    for n in range(int(len(person_ids) * 1.3)):
        received = now - dt.timedelta(minutes=rnd.randrange(730 * 24 * 60))
        closed = rnd.random() < 0.6
        rows.append({"person": person_ids[n % len(person_ids)], "team": rnd.choice(team_ids),
                     "received_at": received, "source": rnd.choice(sources),
                     "screening_route": rnd.choice(["proactive", "reactive"]),
                     "status": "closed" if closed else "open",
                     "outcome": rnd.choice(outcomes) if closed else None,
                     "closed_at": received + dt.timedelta(days=rnd.randint(0, 30)) if closed else None,
                     "created_at": received})
    _insert(Referral, rows)
    practitioner, manager = ctx.users["practitioner"], ctx.users["manager"]
    home = ctx.teams[0]
    mine = [{"person": rnd.choice(person_ids), "team": home.id, "received_at": now,
             "source": "police_custody", "screening_route": "proactive", "status": "open",
             "assigned_to": practitioner.id, "created_at": now} for _ in range(40)]
    _insert(Referral, mine)
    today_refs = [r for (r,) in Referral.select(Referral.id).where(Referral.team == home.id)
                  .order_by(Referral.id.desc()).limit(30).tuples()]
    _insert(Hearing, [{"referral": r, "court": "Bench Magistrates' Court", "date": london_today(),
                       "time": dt.time(9 + i % 8, 0), "courtroom": str(i % 4),
                       "purpose": "first_appearance", "created_at": now}
                      for i, r in enumerate(today_refs)])
    _insert(Membership, [{"user": manager.id, "team": t.id, "created_at": now}
                         for t in ctx.teams[1:]])
