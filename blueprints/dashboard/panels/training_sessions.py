"""Training sessions coming up for my teams."""
from __future__ import annotations

from ..optional import attribute, link
from ..period import london_today

LIMIT = 10


def upcoming(user, team_ids: set[int]) -> dict | None:
    """My teams' training sessions from today on, soonest first; None without the library."""
    session = attribute("models.library", "TrainingSession")
    if session is None:
        return None
    rows = list(session.select(session.id, session.title, session.date, session.venue,
                               session.organisation)
                .where(session.team.in_(sorted(team_ids)) & (session.date >= london_today()))
                .order_by(session.date, session.title).limit(LIMIT).dicts())
    for row in rows:
        row["url"] = link("library.session", session_id=row["id"])
    return {"items": rows}
