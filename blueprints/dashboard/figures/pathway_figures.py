"""Pathway programmes in the period: women enrolled, sessions attended, completions."""
from __future__ import annotations

from peewee import fn

from ..optional import attribute
from .base import Figure, Scope, Series, count, in_period, on_days


def completions(scope: Scope) -> Figure | None:
    """By programme: enrolments started, sessions attended and enrolments completed
    (discharged) in the period; None when pathways are not installed."""
    programme = attribute("models.pathways", "Programme")
    enrolment = attribute("models.pathways", "Enrolment")
    session = attribute("models.pathways", "PathwaySession")
    if programme is None or enrolment is None or session is None:
        return None
    mine = enrolment.team.in_(scope.team_ids)
    started = dict(enrolment.select(enrolment.programme, fn.COUNT(enrolment.id))
                   .where(mine & in_period(enrolment.enrolled_at, scope))
                   .group_by(enrolment.programme).tuples())
    completed = dict(enrolment.select(enrolment.programme, fn.COUNT(enrolment.id))
                     .where(mine & (enrolment.status == "discharged")
                            & in_period(enrolment.discharged_at, scope))
                     .group_by(enrolment.programme).tuples())
    attended = dict(session.select(enrolment.programme, fn.COUNT(session.id))
                    .join(enrolment, on=(session.enrolment == enrolment.id))
                    .where(mine & (session.status == "attended") & on_days(session.planned_on, scope))
                    .group_by(enrolment.programme).tuples())
    programmes = list(programme.select(programme.id, programme.name).order_by(programme.name))
    shown = [p for p in programmes if p.id in started or p.id in completed or p.id in attended]
    return Figure(
        key="pathway-completions", title="Pathway enrolments and completions",
        description="For each pathway programme: enrolments started in the period, sessions "
                    "attended in it, and enrolments completed (discharged) in it.",
        label_heading="Programme", labels=[p.name for p in shown],
        series=[Series("Enrolled", [count(started.get(p.id, 0)) for p in shown]),
                Series("Sessions attended", [count(attended.get(p.id, 0)) for p in shown]),
                Series("Completed", [count(completed.get(p.id, 0)) for p in shown])],
        chart="bar", chart_series=[0, 2], unit="enrolments")
