"""Pathway sessions (e.g. Specified Activity Requirement sessions) booked for today."""
from __future__ import annotations

import functools

from models.people import Person
from models.prepared import prepared

from ..optional import attribute, link
from ..period import london_today

LIMIT = 30


@functools.lru_cache(maxsize=None)
def _booked(session, enrolment, programme):
    """The day's booked sessions of the teams' enrolments, composed once (models/prepared.py)."""
    return prepared(lambda day, teams, limit: (
        session.select(session.id, session.status, programme.name.alias("programme"),
                       Person.given_name, Person.family_name)
        .join(enrolment, on=(session.enrolment == enrolment.id))
        .join(programme, on=(enrolment.programme == programme.id))
        .join(Person, on=(enrolment.person == Person.id))
        .where((session.planned_on == day) & session.status.in_(["planned", "attended"])
               & enrolment.team.in_(teams))
        .order_by(programme.name, Person.family_name, Person.given_name)
        .limit(limit).dicts()))


def sessions_today(user, team_ids: set[int]) -> dict | None:
    """Today's planned or attended sessions of my teams' enrolments, by programme and name;
    None without pathways."""
    session = attribute("models.pathways", "PathwaySession")
    enrolment = attribute("models.pathways", "Enrolment")
    programme = attribute("models.pathways", "Programme")
    if session is None or enrolment is None or programme is None:
        return None
    rows = _booked(session, enrolment, programme)(day=london_today(), teams=sorted(team_ids),
                                                  limit=LIMIT)
    for row in rows:
        row["name"] = f"{row['given_name']} {row['family_name']}"
        row["url"] = link("pathways.session", session_id=row["id"])
    return {"items": rows}
