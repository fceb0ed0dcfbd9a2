"""Housing figures, computed in SQL on SQLite and PostgreSQL alike: occupancy over a
period, average length of stay, move-on destinations, waiting time from list to offer;
and the board summary the dashboard shows."""
from __future__ import annotations

import datetime as dt

from peewee import Value, fn

from models.base import is_postgres
from models.housing import DESTINATIONS, Placement, Property, Unit, WaitingEntry


def _days(later, earlier):
    """SQL for the number of days from `earlier` to `later` (dates or timestamps)."""
    if is_postgres():
        return fn.date_part("epoch", later - earlier) / 86400.0
    return fn.julianday(later) - fn.julianday(earlier)


def _date_days(later, earlier):
    """Days between two dates (whole days)."""
    if is_postgres():
        return later - earlier   # date - date is a whole number of days
    return fn.julianday(later) - fn.julianday(earlier)


def _least(a, b):
    return fn.LEAST(a, b) if is_postgres() else fn.MIN(a, b)


def _greatest(a, b):
    return fn.GREATEST(a, b) if is_postgres() else fn.MAX(a, b)


def _date(value: dt.date):
    return Value(value) if is_postgres() else Value(value.isoformat())


def _units(team_ids):
    query = Unit.select(Unit.id).join(Property)
    return query if team_ids is None else query.where(Property.team.in_(sorted(team_ids)))


def _placements(team_ids):
    return Placement.select().where(Placement.unit.in_(_units(team_ids)))


def occupancy_rate(team_ids, start: dt.date, end: dt.date) -> float | None:
    """Share of unit-nights occupied from `start` to `end` inclusive (0-1; None: no units)."""
    unit_count = _units(team_ids).count()
    nights = (end - start).days + 1
    if not unit_count or nights <= 0:
        return None
    stop = _date(end + dt.timedelta(days=1))
    begin = _date(start)
    overlap = _date_days(_least(fn.COALESCE(Placement.moved_out_on, stop), stop),
                         _greatest(Placement.moved_in_on, begin))
    occupied = (_placements(team_ids)
                .select(fn.COALESCE(fn.SUM(overlap), 0))
                .where(Placement.moved_in_on.is_null(False)
                       & (Placement.moved_in_on <= _date(end))
                       & (Placement.moved_out_on.is_null() | (Placement.moved_out_on >= begin)))
                .scalar())
    return float(occupied or 0) / (unit_count * nights)


def average_stay_days(team_ids, start: dt.date, end: dt.date) -> float | None:
    """Average nights stayed by women who moved on in the period."""
    value = (_placements(team_ids)
             .select(fn.AVG(_date_days(Placement.moved_out_on, Placement.moved_in_on)))
             .where(Placement.moved_in_on.is_null(False)
                    & (Placement.moved_out_on >= _date(start))
                    & (Placement.moved_out_on <= _date(end)))
             .scalar())
    return None if value is None else float(value)


def destinations(team_ids, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """(destination label, number of women) for moves on in the period, most first."""
    rows = (_placements(team_ids)
            .select(Placement.destination, fn.COUNT(Placement.id).alias("n"))
            .where((Placement.end_reason == "moved_on")
                   & (Placement.moved_out_on >= _date(start))
                   & (Placement.moved_out_on <= _date(end)))
            .group_by(Placement.destination)
            .order_by(fn.COUNT(Placement.id).desc(), Placement.destination)
            .tuples())
    return [(DESTINATIONS.get(key or "unknown", key), n) for key, n in rows]


def average_wait_days(team_ids, start: dt.date, end: dt.date) -> float | None:
    """Average days from joining the waiting list to an offer, for offers in the period."""
    start_at = dt.datetime.combine(start, dt.time())
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    value = (_placements(team_ids)
             .select(fn.AVG(_days(Placement.offered_at, WaitingEntry.added_at)))
             .join(WaitingEntry, on=(Placement.waiting_entry == WaitingEntry.id))
             .where((Placement.offered_at >= start_at) & (Placement.offered_at < end_at))
             .scalar())
    return None if value is None else float(value)


def board_summary(team_ids: set[int] | None) -> dict:
    """For the dashboard: vacant units, offers waiting for an answer, women waiting."""
    counts = dict(Unit.select(Unit.status, fn.COUNT(Unit.id))
                  .where(Unit.id.in_(_units(team_ids)))
                  .group_by(Unit.status).tuples())
    waiting = WaitingEntry.select().where(WaitingEntry.status == "waiting")
    if team_ids is not None:
        waiting = waiting.where(WaitingEntry.team.in_(sorted(team_ids)))
    return {"vacancies": counts.get("vacant", 0), "offers_pending": counts.get("offered", 0),
            "occupied": counts.get("occupied", 0), "void": counts.get("void", 0),
            "waiting": waiting.count()}
