"""The housing board at a glance: vacancies, offers pending, waiting list length."""
from __future__ import annotations

from ..optional import attribute, link


def board(user, team_ids: set[int]) -> dict | None:
    """The housing board summary for my teams; None without housing."""
    summary = attribute("blueprints.pathways.figures", "board_summary")
    if summary is None:
        return None
    return {"summary": summary(team_ids), "url": link("pathways.board")}
