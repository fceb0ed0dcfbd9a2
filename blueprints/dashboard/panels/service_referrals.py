"""Referrals to directory services that are waiting for a follow-up."""
from __future__ import annotations

from ..optional import first_attribute


def awaiting_follow_up(user, team_ids: set[int]) -> dict | None:
    """My teams' service referrals overdue a follow-up; None without the directory."""
    source = first_attribute([("blueprints.directory.referrals", "overdue_service_referrals"),
                              ("blueprints.directory", "overdue_service_referrals")])
    if source is None:
        return None
    return {"items": list(source(team_ids))}
