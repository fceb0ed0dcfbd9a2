"""What pathways and housing show on the case-work pages: her pathways on the person page,
and everything they hold on her in the subject access export."""
from __future__ import annotations

from models.housing import DESTINATIONS, Placement, WaitingEntry
from models.pathways import (DRIVERS, ENROLMENT_STATUSES, Enrolment, EnrolmentDriver, Goal,
                             PathwaySession, Programme, RoadmapLink)
from models.people import Referral
from models.prepared import prepared, team_list


@prepared
def _enrolments_seen(person, teams):
    return (Enrolment.select(Enrolment, Programme)
            .join(Programme)
            .where((Enrolment.person == person) & Referral.visible_at(Enrolment.referral, teams))
            .order_by(Enrolment.enrolled_at.desc()))


def pathways_panel(person, team_ids):
    """Her pathway enrolments the viewer's teams may see (None: no section)."""
    rows = _enrolments_seen(person=person.id,
                            teams=team_list(team_ids))
    if not rows:
        return None
    return ("Pathways", "pathways/_person_panel.html", {"rows": rows})


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def pathways_for_export(person):
    """Her enrolments with answers, drivers, sessions, goals and roadmap."""
    enrolments = list(Enrolment.select().where(Enrolment.person == person.id)
                      .order_by(Enrolment.id))
    if not enrolments:
        return None
    rows = []
    for e in enrolments:
        rows.append({
            "programme": e.programme.name, "status": ENROLMENT_STATUSES.get(e.status),
            "enrolled_at": _when(e.enrolled_at), "discharged_at": _when(e.discharged_at),
            "eligibility": [{"criterion": c, "met": met} for c, met in e.answers],
            "override_reason": e.override_reason or None,
            "drivers": [DRIVERS.get(d.driver, d.driver) for d in
                        EnrolmentDriver.select().where(EnrolmentDriver.enrolment == e.id)],
            "sessions": [{"date": _when(s.planned_on), "status": s.status_label,
                          "notes": s.notes} for s in
                         PathwaySession.select().where(PathwaySession.enrolment == e.id)
                         .order_by(PathwaySession.planned_on)],
            "goals": [{"driver": g.driver_label, "goal": g.text, "status": g.status_label}
                      for g in Goal.select().where(Goal.enrolment == e.id)],
            "roadmap": [{"kind": r.category_label, "name": r.name, "details": r.details}
                        for r in RoadmapLink.select().where(RoadmapLink.enrolment == e.id)],
            "discharge_summary": e.discharge_summary or None,
        })
    return ("Pathways", rows)


def housing_for_export(person):
    """Her waiting-list entries and placements."""
    entries = list(WaitingEntry.select().where(WaitingEntry.person == person.id))
    places = list(Placement.select().where(Placement.person == person.id))
    if not entries and not places:
        return None
    rows = [{"waiting_list": {"added_at": _when(e.added_at), "priority": e.priority_label,
                              "needs": e.needs_summary, "status": e.status_label}}
            for e in entries]
    rows += [{"placement": {"unit": f"{p.unit.building.name}, {p.unit.label}",
                            "offered_at": _when(p.offered_at),
                            "moved_in_on": _when(p.moved_in_on),
                            "moved_out_on": _when(p.moved_out_on),
                            "moved_on_to": DESTINATIONS.get(p.destination or "")}}
             for p in places]
    return ("Housing", rows)
