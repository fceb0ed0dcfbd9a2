"""Follow-ups overdue and due this week (from case work's follow-ups)."""
from __future__ import annotations

from ..optional import first_attribute


def follow_ups_due(user, team_ids: set[int]) -> dict | None:
    """My follow-ups that are overdue or due in the next seven days; None without case work."""
    source = first_attribute([("blueprints.cases.queries", "follow_ups_for"),
                              ("blueprints.cases.follow_ups", "follow_ups_for"),
                              ("blueprints.cases", "follow_ups_for")])
    if source is None:
        return None
    return {"items": list(source(user))}
