"""Training sessions coming up."""
from __future__ import annotations

from ..optional import first_attribute


def upcoming(user, team_ids: set[int]) -> dict | None:
    """Training sessions coming up. None without the library."""
    source = first_attribute([("blueprints.library.queries", "upcoming"),
                              ("blueprints.library", "upcoming")])
    if source is None:
        return None
    return {"items": list(source(user))}
