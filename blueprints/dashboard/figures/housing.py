"""Housing placements: occupancy of the units, length of stay and waiting time, this
period and the one before (from the housing board's own figures)."""
from __future__ import annotations

from ..optional import attribute
from .base import Cell, Figure, Scope, Series, measure


def _percent(rate: float | None) -> Cell:
    if rate is None:
        return Cell(None, "No units")
    value = round(100.0 * rate, 1)
    return Cell(value, f"{value:.1f}%")


def occupancy(scope: Scope) -> Figure | None:
    """Occupancy (share of unit-nights occupied), average stay of those who moved on and
    average wait for an offer; None when housing is not installed."""
    rate = attribute("blueprints.pathways.figures", "occupancy_rate")
    stay = attribute("blueprints.pathways.figures", "average_stay_days")
    wait = attribute("blueprints.pathways.figures", "average_wait_days")
    moves = attribute("blueprints.pathways.figures", "destinations")
    if None in (rate, stay, wait, moves):
        return None

    def column(s: Scope) -> list[Cell]:
        teams, first, last = set(s.team_ids), s.period.start, s.period.last_day
        moved_on = sum(n for _, n in moves(teams, first, last))
        return [_percent(rate(teams, first, last)),
                measure(stay(teams, first, last), "nights", moved_on),
                measure(wait(teams, first, last), "days", 5)]

    return Figure(
        key="housing", title="Housing placements",
        description="Occupancy of the supported-accommodation units (the share of nights "
                    "a unit was occupied), the average stay of women who moved on, and the "
                    "average wait from the waiting list to an offer.",
        label_heading="Measure",
        labels=["Occupancy", "Average stay of women who moved on", "Average wait for an offer"],
        series=[Series("This period", column(scope)),
                Series("Previous period", column(scope.previous()))],
        chart=None, notes=["The average stay is withheld when fewer than 5 women moved on."])
