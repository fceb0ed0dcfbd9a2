"""Share links used recently by external professionals."""
from __future__ import annotations

from ..optional import first_attribute


def recent_use(user, team_ids: set[int]) -> dict | None:
    """Share links used recently by external professionals. None without the library."""
    source = first_attribute([("blueprints.library.queries", "recent_use"),
                              ("blueprints.library", "recent_use")])
    if source is None:
        return None
    return {"items": list(source(user))}
