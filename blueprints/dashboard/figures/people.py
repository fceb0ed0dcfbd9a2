"""People seen in the period, their gender and ethnicity, compared with the period before."""
from __future__ import annotations

from flask import g, has_app_context
from peewee import fn

from models.accounts import Team
from models.people import ETHNIC_GROUPS, GENDERS, Person, Referral

from .base import (WITHHELD_NOTE, Figure, Scope, Series, count, in_period, share,
                   withheld_parts)

# A person is "seen" in a period when one of the scope's teams received a referral for
# them in it. A person with several referrals is counted once.

ETHNIC_GROUP_OF = {k: group for group, items in ETHNIC_GROUPS for k, _ in items}


def _referred(scope: Scope):
    """Ids of the people referred to the scope's teams in its period (a subquery)."""
    return Referral.select(Referral.person).where(Referral.team.in_(scope.team_ids)
                                                  & in_period(Referral.received_at, scope))


def demographics(scope: Scope) -> dict[tuple[str, str], int]:
    """People seen by (gender, ONS ethnic group), in one grouped query. Kept for the rest
    of the request: the gender, ethnicity and people-seen figures all read it."""
    cache = g.setdefault("dashboard_demographics", {}) if has_app_context() else {}
    if scope not in cache:
        # The database counts by recorded ethnicity (a few dozen rows at most); folding
        # those into the ONS groups here spares it a CASE on every person counted.
        rows = (Person.select(Person.gender, Person.ethnicity, fn.COUNT(Person.id))
                .where(Person.id.in_(_referred(scope)))
                .group_by(Person.gender, Person.ethnicity).tuples())
        counts: dict[tuple[str, str], int] = {}
        for gender, ethnicity, n in rows:
            key = (gender, ETHNIC_GROUP_OF.get(ethnicity, "Not stated"))
            counts[key] = counts.get(key, 0) + n
        cache[scope] = counts
    return cache[scope]


def _by(scope: Scope, position: int) -> tuple[dict[str, int], int]:
    totals: dict[str, int] = {}
    for key, n in demographics(scope).items():
        totals[key[position]] = totals.get(key[position], 0) + n
    return totals, sum(totals.values())


def seen(scope: Scope) -> Figure:
    """Distinct people with a referral in the period, by team and in all."""
    per_team = dict(Referral.select(Referral.team, fn.COUNT(Referral.person.distinct()))
                    .where(Referral.team.in_(scope.team_ids)
                           & in_period(Referral.received_at, scope))
                    .group_by(Referral.team).tuples())
    teams = list(Team.select(Team.id, Team.name).where(Team.id.in_(scope.team_ids))
                 .order_by(Team.name))
    _, total = _by(scope, 0)
    _, previous = _by(scope.previous(), 0)
    labels = [t.name for t in teams]
    this = [count(per_team.get(t.id, 0)) for t in teams]
    if len(teams) > 1:
        labels.append("All selected teams")
        this.append(count(total))
    return Figure(
        key="people-seen", title="People seen",
        description="Different people with at least one referral received in the period "
                    "(someone referred twice is counted once; someone seen by two teams is "
                    "counted by each, and once in the total).",
        label_heading="Team", labels=labels, series=[Series("People", this)],
        notes=[f"Previous period ({scope.previous().period.short_label}): "
               f"{count(previous).text} people."])


def _compare(scope: Scope, position: int, keys: list[tuple[str, str]], *, key, title,
             description, heading) -> Figure:
    """People seen by gender (position 0) or ethnic group (1), against the period before."""
    now, now_total = _by(scope, position)
    before, before_total = _by(scope.previous(), position)
    prev_label = scope.previous().period.short_label
    names = [k for k, _ in keys]
    # The totals are published, so one small group would be the total minus the others.
    hide_now, hide_before = withheld_parts(now, names), withheld_parts(before, names)
    notes = [f"Previous period: {prev_label}. Shares are of all people seen in each period "
             f"({count(now_total).text} this period, {count(before_total).text} before)."]
    if hide_now or hide_before:
        notes.append(WITHHELD_NOTE)
    return Figure(
        key=key, title=title, description=description, label_heading=heading,
        labels=[label for _, label in keys],
        series=[Series("This period: people",
                       [count(now.get(k, 0), k in hide_now) for k in names]),
                Series("This period: share",
                       [share(now.get(k, 0), now_total, k in hide_now) for k in names]),
                Series("Previous period: people",
                       [count(before.get(k, 0), k in hide_before) for k in names]),
                Series("Previous period: share",
                       [share(before.get(k, 0), before_total, k in hide_before) for k in names])],
        chart="bar", chart_series=[1, 3], unit="%", notes=notes)


def gender(scope: Scope) -> Figure:
    """Gender of the people seen (the proportion of women), against the previous period."""
    return _compare(scope, 0, list(GENDERS.items()), key="gender",
                    title="Women and men seen",
                    description="People seen by gender, as a share of everyone seen, this "
                                "period and the period before.", heading="Gender")


def ethnicity(scope: Scope) -> Figure:
    """People seen by ONS 2021 ethnic group, against the previous period."""
    groups = [(group, group) for group, _ in ETHNIC_GROUPS]
    return _compare(scope, 1, groups, key="ethnicity", title="Ethnicity of people seen",
                    description="People seen by ethnic group (ONS 2021 census groups), as a "
                                "share of everyone seen, this period and the period before.",
                    heading="Ethnic group")
