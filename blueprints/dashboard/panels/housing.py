"""The housing board at a glance: vacancies, offers pending, waiting list length."""
from __future__ import annotations

from ..optional import first_attribute


def board(user, team_ids: set[int]) -> dict | None:
    """The housing board summary for my teams; None without housing."""
    source = first_attribute([("blueprints.pathways.housing", "board_summary"),
                              ("blueprints.pathways", "board_summary")])
    if source is None:
        return None
    return {"summary": source(team_ids)}
