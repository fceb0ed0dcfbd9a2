"""Directory services whose details have not been checked for too long."""
from __future__ import annotations

from ..optional import first_attribute


def services_to_verify(user, team_ids: set[int]) -> dict | None:
    """Services overdue for verification; None without the directory."""
    source = first_attribute([("blueprints.directory.queries", "services_overdue_verification"),
                              ("blueprints.directory", "services_overdue_verification")])
    if source is None:
        return None
    return {"items": list(source())}
