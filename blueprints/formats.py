"""Template filters for dates, times and numbers, shown the way UK staff read them."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

LONDON = ZoneInfo("Europe/London")
# Month names in English whatever the server's locale (strftime's %b and %B follow it);
# spelled out here, they also cost less than strftime on a list of a hundred times.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
SHORT_MONTHS = tuple(name[:3] for name in MONTHS)


def local_time(value: dt.datetime | None) -> dt.datetime | None:
    """A stored UTC instant as Europe/London wall-clock time."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LONDON)


def london_day_start(day: dt.date) -> dt.datetime:
    """The stored (naive UTC) instant at which a Europe/London day starts: a filter "from
    5 June" means from midnight as the pages show times, 23:00 UTC the day before in BST."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def format_datetime(value) -> str:
    """A stored UTC instant, e.g. '3 Mar 2026, 14:05'. Kept per instant: a list shows the
    same times on every view, and converting to London time costs more than the row."""
    local = local_time(value)
    if local is None:
        return ""
    return (f"{local.day} {SHORT_MONTHS[local.month - 1]} {local.year}, "
            f"{local.hour:02}:{local.minute:02}")


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def format_date(value) -> str:
    """A date, e.g. '3 March 2026'."""
    day = _as_date(value)
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_short_date(value) -> str:
    """A date, e.g. '3 Mar 2026'."""
    day = _as_date(value)
    return "" if day is None else f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def format_time(value) -> str:
    """A wall-clock time, e.g. '09:30'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value[:5]
    return f"{value:%H:%M}"


def line_breaks(value) -> Markup:
    """Plain text shown with its line breaks, every character escaped."""
    text = escape("" if value is None else value)
    return Markup(str(text).replace("\r\n", "\n").replace("\n", Markup("<br>\n")))


def register_filters(app) -> None:
    app.jinja_env.filters.update(
        datetime=format_datetime, date=format_date, short_date=format_short_date,
        time=format_time, line_breaks=line_breaks,
    )
