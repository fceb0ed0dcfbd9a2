"""My open referrals: those assigned to me in my teams, newest first."""
from __future__ import annotations

from peewee import fn

from models.people import Person, Referral
from models.prepared import prepared

from ..optional import link

LIMIT = 15


def _mine(user, teams):
    return Referral.select().where((Referral.assigned_to == user) & (Referral.status == "open")
                                   & Referral.team.in_(teams))


# Composed once, then run on every home page (models/prepared.py).
_count = prepared(lambda user, teams: _mine(user, teams).select(fn.COUNT(Referral.id)).tuples())
_newest = prepared(lambda user, teams, limit: _mine(user, teams)
                   .select(Referral.id, Referral.received_at, Referral.source,
                           Person.id.alias("person_id"), Person.given_name, Person.family_name)
                   .join(Person, on=(Referral.person == Person.id))
                   .order_by(Referral.received_at.desc()).limit(limit).dicts())


def my_open_referrals(user, team_ids: set[int]) -> dict:
    """Open referrals assigned to `user` in their teams (a transferred-away one drops off)."""
    values = dict(user=user.id, teams=sorted(team_ids))
    total = _count(**values)[0][0] or 0
    rows = _newest(limit=LIMIT, **values)
    for row in rows:
        row["name"] = f"{row['given_name']} {row['family_name']}"
        row["url"] = (link("cases.referral", referral_id=row["id"])
                      or link("cases.detail", person_id=row["person_id"]))
    return {"items": rows, "total": total}
