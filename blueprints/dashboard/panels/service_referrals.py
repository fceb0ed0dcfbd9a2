"""Referrals to directory services that are waiting for a follow-up."""
from __future__ import annotations

from ..optional import attribute, link

LIMIT = 20


def awaiting_follow_up(user, team_ids: set[int]) -> dict | None:
    """My teams' service referrals past their follow-up date; None without the directory."""
    overdue = attribute("models.service_referrals", "overdue_service_referrals")
    if overdue is None:
        return None
    from models.people import Person
    query = overdue(team_ids)
    total = query.count()
    items = []
    for sr in query.limit(LIMIT):
        items.append({"service": sr.service.name, "status": sr.status_label,
                      "follow_up_on": sr.follow_up_on, "person_id": sr.referral.person_id,
                      "url": link("directory.service_referral", service_referral_id=sr.id)})
    names = dict(Person.select(Person.id, Person.given_name.concat(" ").concat(Person.family_name))
                 .where(Person.id.in_([i["person_id"] for i in items] or [0])).tuples())
    for item in items:
        item["name"] = names.get(item["person_id"], "")
    return {"items": items, "total": total}
