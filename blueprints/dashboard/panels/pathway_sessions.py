"""Pathway sessions (e.g. Specified Activity Requirement sessions) booked for today."""
from __future__ import annotations

from models.people import Person

from ..optional import attribute, link
from ..period import london_today

LIMIT = 30


def sessions_today(user, team_ids: set[int]) -> dict | None:
    """Today's planned or attended sessions of my teams' enrolments, by programme and name;
    None without pathways."""
    session = attribute("models.pathways", "PathwaySession")
    enrolment = attribute("models.pathways", "Enrolment")
    programme = attribute("models.pathways", "Programme")
    if session is None or enrolment is None or programme is None:
        return None
    rows = list(session.select(session.id, session.status, programme.name.alias("programme"),
                               Person.given_name, Person.family_name)
                .join(enrolment, on=(session.enrolment == enrolment.id))
                .join(programme, on=(enrolment.programme == programme.id))
                .join(Person, on=(enrolment.person == Person.id))
                .where((session.planned_on == london_today())
                       & session.status.in_(["planned", "attended"])
                       & enrolment.team.in_(sorted(team_ids)))
                .order_by(programme.name, Person.family_name, Person.given_name)
                .limit(LIMIT).dicts())
    for row in rows:
        row["name"] = f"{row['given_name']} {row['family_name']}"
        row["url"] = link("pathways.session", session_id=row["id"])
    return {"items": rows}
