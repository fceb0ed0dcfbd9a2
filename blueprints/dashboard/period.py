"""Report periods: Europe/London calendar dates turned into the UTC instants they cover.

A period runs from the start of its first day (inclusive) to the start of its end day
(exclusive), midnight London time. Midnight is 00:00 GMT in winter and 23:00 UTC the day
before in summer (BST), so a referral at 00:30 BST on 1 April belongs to April although
its stored UTC instant is 23:30 on 31 March.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc


def london_midnight_utc(day: dt.date) -> dt.datetime:
    """The naive UTC instant at which `day` starts in London (how instants are stored)."""
    return (dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
            .astimezone(UTC).replace(tzinfo=None))


def london_today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month (day must be a first)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day included
    end: dt.date    # first day NOT included

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_utc(self) -> dt.datetime:
        return london_midnight_utc(self.start)

    @property
    def end_utc(self) -> dt.datetime:
        return london_midnight_utc(self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> "Period":
        """The period of the same length just before this one (whole quarters and months
        map to the previous quarter or month)."""
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return Period(add_months(self.start, -months), self.start)
        return Period(self.start - dt.timedelta(days=self.days), self.start)

    @property
    def label(self) -> str:
        """E.g. '1 January 2026 to 31 March 2026' (both days included)."""
        first, last = self.start, self.last_day
        return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"

    @property
    def short_label(self) -> str:
        first, last = self.start, self.last_day
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"

    def buckets(self) -> list[tuple[str, dt.datetime, dt.datetime]]:
        """(label, start instant, end instant) for a trend line: calendar months for long
        periods, weeks from the start day for periods of up to about two months."""
        out = []
        if self.days > 62:
            month = dt.date(self.start.year, self.start.month, 1)
            while month < self.end:
                nxt = add_months(month, 1)
                first, stop = max(month, self.start), min(nxt, self.end)
                out.append((f"{first:%b %Y}", london_midnight_utc(first),
                            london_midnight_utc(stop)))
                month = nxt
        else:
            day = self.start
            while day < self.end:
                stop = min(day + dt.timedelta(days=7), self.end)
                out.append((f"w/c {day.day} {day:%b}", london_midnight_utc(day),
                            london_midnight_utc(stop)))
                day = stop
        return out


def last_full_quarter(today: dt.date | None = None) -> Period:
    this_quarter = quarter_start(today or london_today())
    return Period(add_months(this_quarter, -3), this_quarter)


def presets(today: dt.date | None = None) -> list[tuple[str, Period]]:
    """Periods managers ask for most, offered as one-click links."""
    today = today or london_today()
    q = quarter_start(today)
    month = dt.date(today.year, today.month, 1)
    fy_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return [
        ("Last quarter", Period(add_months(q, -3), q)),
        ("This quarter so far", Period(q, today + dt.timedelta(days=1))),
        ("Last month", Period(add_months(month, -1), month)),
        ("Last financial year", Period(add_months(fy_start, -12), fy_start)),
    ]
