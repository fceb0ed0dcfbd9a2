"""People seen in the period, their gender and ethnicity, compared with the period before."""
from __future__ import annotations

from peewee import SQL, Case, fn

from models.accounts import Team
from models.people import ETHNIC_GROUPS, GENDERS, Person, Referral

from .base import Figure, Scope, Series, count, in_period, share

# A person is "seen" in a period when one of the scope's teams received a referral for
# them in it. A person with several referrals is counted once.


def _people(scope: Scope):
    return (Person.select().join(Referral, on=(Referral.person == Person.id))
            .where(Referral.team.in_(scope.team_ids) & in_period(Referral.received_at, scope)))


def seen(scope: Scope) -> Figure:
    """Distinct people with a referral in the period, by team and in all."""
    per_team = dict(Referral.select(Referral.team, fn.COUNT(Referral.person.distinct()))
                    .where(Referral.team.in_(scope.team_ids)
                           & in_period(Referral.received_at, scope))
                    .group_by(Referral.team).tuples())
    teams = list(Team.select(Team.id, Team.name).where(Team.id.in_(scope.team_ids))
                 .order_by(Team.name))
    total = _people(scope).select(fn.COUNT(Person.id.distinct())).scalar() or 0
    previous = _people(scope.previous()).select(fn.COUNT(Person.id.distinct())).scalar() or 0
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


def _compare(scope: Scope, expression, keys: list[tuple[str, str]], *, key, title,
             description, heading) -> Figure:
    """Distinct people by `expression`, this period against the previous one."""
    # GROUP BY the first column by position: an expression with bound parameters (the
    # CASE of ethnic groups) is not recognised by PostgreSQL as the same expression twice.
    def tally(s: Scope) -> tuple[dict, int]:
        rows = dict(_people(s).select(expression.alias("k"), fn.COUNT(Person.id.distinct()))
                    .group_by(SQL("1")).tuples())
        return rows, sum(rows.values())

    now, now_total = tally(scope)
    before, before_total = tally(scope.previous())
    prev_label = scope.previous().period.short_label
    return Figure(
        key=key, title=title, description=description, label_heading=heading,
        labels=[label for _, label in keys],
        series=[Series("This period: people", [count(now.get(k, 0)) for k, _ in keys]),
                Series("This period: share", [share(now.get(k, 0), now_total) for k, _ in keys]),
                Series("Previous period: people", [count(before.get(k, 0)) for k, _ in keys]),
                Series("Previous period: share",
                       [share(before.get(k, 0), before_total) for k, _ in keys])],
        chart="bar", chart_series=[1, 3], unit="%",
        notes=[f"Previous period: {prev_label}. Shares are of all people seen in each period "
               f"({count(now_total).text} this period, {count(before_total).text} before)."])


def gender(scope: Scope) -> Figure:
    """Gender of the people seen (the proportion of women), against the previous period."""
    return _compare(scope, Person.gender, list(GENDERS.items()), key="gender",
                    title="Women and men seen",
                    description="People seen by gender, as a share of everyone seen, this "
                                "period and the period before.", heading="Gender")


def ethnicity(scope: Scope) -> Figure:
    """People seen by ONS 2021 ethnic group, against the previous period."""
    group_of = Case(Person.ethnicity, [(k, group) for group, items in ETHNIC_GROUPS
                                       for k, _ in items], "Not stated")
    groups = [(group, group) for group, _ in ETHNIC_GROUPS]
    return _compare(scope, group_of, groups, key="ethnicity", title="Ethnicity of people seen",
                    description="People seen by ethnic group (ONS 2021 census groups), as a "
                                "share of everyone seen, this period and the period before.",
                    heading="Ethnic group")
