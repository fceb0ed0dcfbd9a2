"""Time from referral to the first needs assessment (the same-morning standard)."""
from __future__ import annotations

from peewee import JOIN, SQL, Case, fn

from models.people import Referral

from ..optional import attribute
from .base import (WITHHELD_NOTE, Figure, Scope, Series, count, in_period, measure,
                   withheld_parts)
from .sql_time import hours_between

BUCKETS = [(4, "Within 4 hours"), (24, "4 to 24 hours"), (72, "1 to 3 days"),
           (168, "3 to 7 days"), (None, "More than 7 days")]
NOT_YET = "Not assessed yet"


def time_to_assessment(scope: Scope) -> Figure | None:
    """Referrals received in the period by how long their first assessment took, and the
    average in days; None when case work's needs assessments are not installed."""
    assessment = attribute("models.needs", "NeedsAssessment")
    if assessment is None:
        return None
    first = (assessment.select(assessment.referral.alias("referral_id"),
                               fn.MIN(assessment.assessed_at).alias("first_at"))
             .group_by(assessment.referral).alias("first"))
    hours = hours_between(first.c.first_at, Referral.received_at)
    bucket = Case(None, [(first.c.first_at.is_null(), len(BUCKETS))]
                  + [(hours < limit, i) for i, (limit, _) in enumerate(BUCKETS) if limit],
                  len(BUCKETS) - 1)
    base = (Referral.select().join(first, JOIN.LEFT_OUTER, on=(first.c.referral_id == Referral.id))
            .where(Referral.team.in_(scope.team_ids) & in_period(Referral.received_at, scope)))
    # One pass: per bucket, how many referrals, and the hours and number of those assessed
    # (for the average). Grouped by position: PostgreSQL does not match a parameterised
    # CASE written twice.
    grouped = list(base.select(bucket.alias("bucket"), fn.COUNT(Referral.id), fn.SUM(hours),
                               fn.COUNT(first.c.first_at)).group_by(SQL("1")).tuples())
    rows = {key: n for key, n, _, _ in grouped}
    assessed = sum(k for _, _, _, k in grouped)
    total_hours = sum(h or 0 for _, _, h, _ in grouped)
    average = total_hours / assessed / 24.0 if assessed else None
    labels = [label for _, label in BUCKETS] + [NOT_YET]
    # The buckets add up to the referrals received (published in other figures), so one
    # small bucket would be the total minus the others: a second one is withheld.
    keys = list(range(len(labels)))
    withheld = withheld_parts(rows, keys)
    return Figure(
        key="time-to-assessment", title="Time from referral to assessment",
        description="Referrals received in the period, by the time from the referral to "
                    "the first needs assessment on it.",
        label_heading="Assessed", labels=labels,
        series=[Series("Referrals", [count(rows.get(i, 0), i in withheld) for i in keys])],
        unit="referrals",
        notes=[f"Average time to the first assessment: "
               f"{measure(average, 'days', assessed).text}."]
        + ([WITHHELD_NOTE] if withheld else []))
