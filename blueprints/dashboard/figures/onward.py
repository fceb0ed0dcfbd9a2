"""Onward referrals: people referred to directory services in the period, by the
service's category, and how many of them engaged."""
from __future__ import annotations

from peewee import SQL, Case, fn

from ..optional import attribute
from .base import Figure, Scope, Series, count, on_days, share


def by_category(scope: Scope) -> Figure | None:
    """Service referrals sent in the period by the scope's teams, by category (a service in
    two categories counts in both), with those that engaged; None without the directory."""
    referral = attribute("models.service_referrals", "ServiceReferral")
    term = attribute("models.directory", "TaxonomyTerm")
    link = attribute("models.directory", "ServiceTerm")
    if referral is None or term is None or link is None:
        return None
    categories = term.categories()
    ids = [t.id for t in categories]
    sent = referral.team.in_(scope.team_ids) & on_days(referral.sent_on, scope)
    # An imported term counts as the Pathways category it maps to.
    category = Case(None, [(term.id.in_(ids), term.id)], term.maps_to)
    engaged = Case(None, [(referral.status == "engaged", referral.id)], None)
    rows = {cat: (n, e) for cat, n, e in
            referral.select(category, fn.COUNT(referral.id.distinct()), fn.COUNT(engaged.distinct()))
            .join(link, on=(link.service == referral.service))
            .join(term, on=(link.term == term.id))
            .where(sent & category.in_(ids))
            .group_by(SQL("1")).tuples()}  # by position: see people.py
    total = referral.select(fn.COUNT(referral.id)).where(sent).scalar() or 0
    shown = [t for t in categories if t.id in rows]
    return Figure(
        key="onward-referrals", title="Referrals to other services",
        description="Referrals to services in the directory sent in the period, by the "
                    "service's category, and how many of those people engaged with the "
                    "service. A service in two categories is counted in both.",
        label_heading="Category", labels=[t.name for t in shown],
        series=[Series("Referrals", [count(rows[t.id][0]) for t in shown]),
                Series("Engaged", [count(rows[t.id][1]) for t in shown]),
                Series("Share engaged", [share(rows[t.id][1], rows[t.id][0]) for t in shown])],
        chart="bar", chart_series=[0, 1], unit="referrals",
        notes=[f"Referrals to services in the period: {count(total).text}."])
