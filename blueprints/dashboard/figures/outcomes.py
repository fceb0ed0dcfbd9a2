"""How referrals closed in the period ended: diversion, bail with support, orders, remand."""
from __future__ import annotations

from peewee import fn

from models.people import OUTCOMES, Referral

from .base import Figure, Scope, Series, count, in_period


def outcomes(scope: Scope) -> Figure:
    """Referrals closed in the period by outcome."""
    rows = {k or "": n for k, n in Referral.select(Referral.outcome, fn.COUNT(Referral.id))
                # Reopening clears closed_at, so a closing date in the period means the
                # referral is closed (and the index on team, closed_at, outcome covers it).
                .where(Referral.team.in_(scope.team_ids) & in_period(Referral.closed_at, scope))
                .group_by(Referral.outcome).tuples()}
    keys = [k for k in OUTCOMES if k in rows] + sorted(k for k in rows if k not in OUTCOMES)
    return Figure(
        key="outcomes", title="Outcomes",
        description="Referrals closed in the period, by their outcome (community orders "
                    "with a Mental Health Treatment Requirement or Specified Activity "
                    "Requirement are shown apart).",
        label_heading="Outcome", labels=[OUTCOMES.get(k, k or "Not recorded") for k in keys],
        series=[Series("Referrals", [count(rows[k]) for k in keys])], unit="referrals")
