"""Demo data for records retention: two referrals closed long ago, due for review."""
from __future__ import annotations

import datetime as dt

from models.base import utcnow, writing
from models.people import Person, Referral

DEMO_REASON = "Demo: seen at court; closed more than six years ago."


def seed_demo(demo) -> None:
    """Two old closed referrals in the magistrates' team (once; idempotent)."""
    team = demo.teams.get("magistrates")
    if team is None or Referral.select().where(Referral.reason == DEMO_REASON).exists():
        return
    with writing():
        for years, outcome in ((7, "diverted"), (9, "community_order_mhtr")):
            closed = utcnow() - dt.timedelta(days=round(365.25 * years))
            person = Person.create(given_name=demo.fake.first_name(),
                                   family_name=demo.fake.last_name(),
                                   date_of_birth=demo.fake.date_of_birth(minimum_age=25,
                                                                         maximum_age=60))
            Referral.create(person=person, team=team, source="magistrates_court",
                            screening_route="reactive", reason=DEMO_REASON, status="closed",
                            outcome=outcome, closure_reason="Engaged with community services.",
                            received_at=closed - dt.timedelta(days=60), closed_at=closed)
