"""Needs prevalence: how many of the people assessed in the period had a need in each of
the fifteen domains (from case work's needs assessments)."""
from __future__ import annotations

from peewee import fn

from ..optional import attribute
from .base import Figure, Scope, Series, count, in_period, share


def prevalence(scope: Scope) -> Figure | None:
    """People assessed in the period with a need (any level but "none") and with a high
    need, by domain; None when case work's needs assessments are not installed."""
    assessment = attribute("models.needs", "NeedsAssessment")
    rating = attribute("models.needs", "NeedRating")
    domains = attribute("models.needs", "NEED_DOMAINS")
    if assessment is None or rating is None or domains is None:
        return None
    in_scope = assessment.team.in_(scope.team_ids) & in_period(assessment.assessed_at, scope)
    assessed = (assessment.select(fn.COUNT(assessment.person.distinct())).where(in_scope)
                .scalar() or 0)

    def people_by_domain(levels):
        return dict(rating.select(rating.domain, fn.COUNT(assessment.person.distinct()))
                    .join(assessment, on=(rating.assessment == assessment.id))
                    .where(in_scope & rating.level.in_(levels))
                    .group_by(rating.domain).tuples())

    any_need = people_by_domain(["low", "medium", "high"])
    high = people_by_domain(["high"])
    keys = list(domains)
    return Figure(
        key="needs", title="Needs of the people assessed",
        description="People assessed in the period who had a need in each domain (low, "
                    "medium or high), as a share of everyone assessed, and those whose need "
                    "was high. Someone assessed twice is counted once.",
        label_heading="Need", labels=[domains[k] for k in keys],
        series=[Series("People with this need", [count(any_need.get(k, 0)) for k in keys]),
                Series("Share of people assessed",
                       [share(any_need.get(k, 0), assessed) for k in keys]),
                Series("High need", [count(high.get(k, 0)) for k in keys])],
        chart="bar", chart_series=[1], unit="%",
        notes=[f"People assessed in the period: {count(assessed).text}."])
