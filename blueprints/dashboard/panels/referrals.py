"""My open referrals: those assigned to me in my teams, newest first."""
from __future__ import annotations

from peewee import fn

from models.people import Person, Referral

from ..optional import link

LIMIT = 15


def my_open_referrals(user, team_ids: set[int]) -> dict:
    """Open referrals assigned to `user` in their teams (a transferred-away one drops off)."""
    base = Referral.select().where((Referral.assigned_to == user.id)
                                   & (Referral.status == "open")
                                   & Referral.team.in_(sorted(team_ids)))
    total = base.select(fn.COUNT(Referral.id)).scalar() or 0
    rows = list(base.select(Referral.id, Referral.received_at, Referral.source,
                            Person.id.alias("person_id"), Person.given_name, Person.family_name)
                .join(Person, on=(Referral.person == Person.id))
                .order_by(Referral.received_at.desc()).limit(LIMIT).dicts())
    for row in rows:
        row["name"] = f"{row['given_name']} {row['family_name']}"
        row["url"] = (link("cases.referral", referral_id=row["id"])
                      or link("cases.detail", person_id=row["person_id"]))
    return {"items": rows, "total": total}
