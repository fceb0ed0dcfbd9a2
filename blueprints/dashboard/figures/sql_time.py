"""Elapsed time between two instant columns, in SQL that SQLite and PostgreSQL both run."""
from __future__ import annotations

from peewee import fn

from models.base import is_postgres


def hours_between(later, earlier):
    """SQL for the hours from `earlier` to `later` (naive UTC timestamps)."""
    if is_postgres():
        return fn.date_part("epoch", later - earlier) / 3600.0
    return (fn.julianday(later) - fn.julianday(earlier)) * 24.0
