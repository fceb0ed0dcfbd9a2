"""Referrals to directory services that are waiting for a follow-up."""
from __future__ import annotations

from ..optional import attribute, link

LIMIT = 20


def awaiting_follow_up(user, team_ids: set[int]) -> dict | None:
    """My teams' service referrals past their follow-up date; None without the directory."""
    overdue = attribute("models.service_referrals", "overdue_for_list")
    if overdue is None:
        return None
    rows, total = overdue(team_ids, LIMIT)
    items = [{"service": sr.service.name, "status": sr.status_label,
              "follow_up_on": sr.follow_up_on, "person_id": sr.referral.person_id,
              "name": f"{sr.referral.person.given_name} {sr.referral.person.family_name}",
              "url": link("directory.service_referral", service_referral_id=sr.id)}
             for sr in rows]
    return {"items": items, "total": total}
