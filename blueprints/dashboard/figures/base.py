"""What a report figure is: labelled rows of counts, already suppressed for publication.

Small numbers (1 to 4 people) could identify someone, so they are replaced by "fewer than 5"
as soon as a count leaves the database: the raw value is never kept, so no chart, table,
CSV or DOCX can show it. Zero is shown as zero (it identifies no one).

A small number must not be recoverable by subtraction either: where a published total has
exactly one suppressed part, a second part (or the total) is "withheld" too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..period import Period

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"
WITHHELD_NOTE = ("“Withheld” hides a figure that would let a number under 5 be worked out "
                 "from a total.")


@dataclass(frozen=True)
class Cell:
    value: float | None      # None when suppressed or not available
    text: str
    suppressed: bool = False


def is_small(n: int | None) -> bool:
    return 0 < int(n or 0) < SUPPRESS_BELOW


def count(n: int | None, withhold: bool = False) -> Cell:
    """A count of people or records, suppressed when it is 1 to 4 (or withheld)."""
    n = int(n or 0)
    if is_small(n):
        return Cell(None, SUPPRESSED_TEXT, True)
    if withhold and n:
        return Cell(None, WITHHELD_TEXT, True)
    return Cell(n, f"{n:,}")


def withheld_parts(counts: dict, keys) -> set:
    """The parts of a partition whose total is published that must be withheld besides
    the small ones: when exactly one part is small, the smallest other non-zero part."""
    small = [k for k in keys if is_small(counts.get(k, 0))]
    if len(small) != 1:
        return set()
    others = sorted((counts.get(k, 0), i) for i, k in enumerate(keys)
                    if k not in small and counts.get(k, 0) > 0)
    return {list(keys)[others[0][1]]} if others else set()


def share(part: int | None, whole: int | None, withhold: bool = False) -> Cell:
    """`part` as a percentage of `whole`, suppressed when the part is suppressed (a
    percentage of a small number gives the number away)."""
    part, whole = int(part or 0), int(whole or 0)
    if is_small(part):
        return Cell(None, SUPPRESSED_TEXT, True)
    if withhold and part:
        return Cell(None, WITHHELD_TEXT, True)
    if whole == 0:
        return Cell(None, "–")
    value = round(100.0 * part / whole, 1)
    return Cell(value, f"{value:.1f}%")


def measure(value: float | None, unit: str, people: int) -> Cell:
    """An average over `people` records (e.g. days), withheld when fewer than 5 contribute."""
    if 0 < int(people or 0) < SUPPRESS_BELOW:
        return Cell(None, SUPPRESSED_TEXT, True)
    if value is None:
        return Cell(None, "–")
    value = round(float(value), 1)
    return Cell(value, f"{value:.1f} {unit}")


@dataclass
class Series:
    name: str
    cells: list[Cell]


@dataclass
class Figure:
    """One table of the monitoring report, with the chart drawn from it."""
    key: str
    title: str
    description: str          # what is counted, in a sentence (chart desc, DOCX, CSV)
    label_heading: str        # header of the first column
    labels: list[str]
    series: list[Series]
    chart: str | None = "bar"  # "bar", "line" or None
    chart_series: list[int] | None = None  # which series the chart draws (default: all)
    unit: str = "people"      # what the chart's values count ("%" for percentages)
    notes: list[str] = field(default_factory=list)

    @property
    def charted(self) -> list[Series]:
        if self.chart_series is None:
            return self.series
        return [self.series[i] for i in self.chart_series]

    @property
    def rows(self) -> list[tuple[str, list[Cell]]]:
        return [(label, [s.cells[i] for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def is_empty(self) -> bool:
        return not self.labels

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for s in self.series for c in s.cells)


@dataclass(frozen=True)
class Scope:
    """What a report covers: a period and the teams (always within the manager's own)."""
    period: Period
    team_ids: tuple[int, ...]

    @property
    def start_utc(self) -> dt.datetime:
        return self.period.start_utc

    @property
    def end_utc(self) -> dt.datetime:
        return self.period.end_utc

    def previous(self) -> "Scope":
        return Scope(self.period.previous(), self.team_ids)


def in_period(instant_field, scope: Scope):
    """`instant_field` (a UTC instant column) within the scope's period."""
    return (instant_field >= scope.start_utc) & (instant_field < scope.end_utc)


def on_days(date_field, scope: Scope):
    """`date_field` (a London calendar date column) within the scope's period."""
    return (date_field >= scope.period.start) & (date_field < scope.period.end)
