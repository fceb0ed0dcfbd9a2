"""Pathway sessions (e.g. Specified Activity Requirement sessions) happening today."""
from __future__ import annotations

from ..optional import first_attribute


def sessions_today(user, team_ids: set[int]) -> dict | None:
    """Today's pathway sessions in my teams; None without pathways."""
    source = first_attribute([("blueprints.pathways.queries", "sessions_today"),
                              ("blueprints.pathways", "sessions_today")])
    if source is None:
        return None
    return {"items": list(source(team_ids))}
