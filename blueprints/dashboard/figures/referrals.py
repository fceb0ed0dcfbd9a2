"""Referrals received in the period: by source and screening route, and month by month."""
from __future__ import annotations

from peewee import SQL, Case, fn

from models.people import REFERRAL_SOURCES, SCREENING_ROUTES, Referral

from .base import WITHHELD_NOTE, Figure, Scope, Series, count, in_period, is_small


def received(scope: Scope):
    """Referrals held by the scope's teams and received within its period."""
    return Referral.select().where(Referral.team.in_(scope.team_ids)
                                   & in_period(Referral.received_at, scope))


def by_source(scope: Scope) -> Figure:
    """Referrals by source (rows) and screening route (columns), counted in the database."""
    rows = (received(scope)
            .select(Referral.source, Referral.screening_route, fn.COUNT(Referral.id).alias("n"))
            .group_by(Referral.source, Referral.screening_route).tuples())
    counts: dict[tuple[str, str], int] = {(s, r): n for s, r, n in rows}
    sources = [k for k in REFERRAL_SOURCES if any(s == k for s, _ in counts)]
    sources += sorted({s for s, _ in counts} - set(REFERRAL_SOURCES))
    routes = list(SCREENING_ROUTES)
    series = [Series(SCREENING_ROUTES[r].split(" (")[0], [count(counts.get((s, r), 0)) for s in sources])
              for r in routes]
    # A row total is withheld when exactly one route in it is small (total minus the
    # other route would give the small number away).
    series.append(Series("All routes", [
        count(sum(counts.get((s, r), 0) for r in routes),
              withhold=sum(is_small(counts.get((s, r), 0)) for r in routes) == 1)
        for s in sources]))
    return Figure(
        key="referrals-by-source", title="Referrals by source and screening route",
        description="Referrals received in the period, by who referred and whether the team "
                    "found the person proactively (e.g. from escort records) or was asked.",
        label_heading="Source", labels=[REFERRAL_SOURCES.get(s, s) for s in sources],
        series=series, chart="bar", chart_series=[0, 1], unit="referrals",
        notes=[WITHHELD_NOTE] if any(c.text == "withheld" for c in series[-1].cells) else [])


def trend(scope: Scope) -> Figure:
    """Referrals received in each month (or week, for short periods) of the period.

    Each referral is put in its bucket by a CASE over the buckets' UTC boundaries, so the
    London calendar decides (a referral at 00:30 BST on the 1st is in the new month)."""
    buckets = scope.period.buckets()
    index = Case(None, [(Referral.received_at < stop, i) for i, (_, _, stop) in enumerate(buckets)])
    rows = dict(received(scope).select(index.alias("bucket"), fn.COUNT(Referral.id))
                .group_by(SQL("1")).tuples())  # by position: see people.py
    return Figure(
        key="referrals-over-time", title="Referrals received over time",
        description="Referrals received in each "
                    + ("month" if scope.period.days > 62 else "week") + " of the period.",
        label_heading="Month" if scope.period.days > 62 else "Week",
        labels=[label for label, _, _ in buckets],
        series=[Series("Referrals", [count(rows.get(i, 0)) for i in range(len(buckets))])],
        chart="line", unit="referrals")
