"""Guides downloaded recently."""
from __future__ import annotations

from ..optional import first_attribute


def recent(user, team_ids: set[int]) -> dict | None:
    """Guides downloaded recently. None without the library."""
    source = first_attribute([("blueprints.library.queries", "recent"),
                              ("blueprints.library", "recent")])
    if source is None:
        return None
    return {"items": list(source(user))}
