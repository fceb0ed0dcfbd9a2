"""Elapsed time between two instant columns, in SQL that SQLite and PostgreSQL both run."""
from __future__ import annotations

from peewee import SQL, fn

from models.base import is_postgres


def hours_between(later, earlier):
    """SQL for the hours from `earlier` to `later` (naive UTC timestamps)."""
    if is_postgres():
        return fn.EXTRACT(SQL("EPOCH FROM"), later - earlier) / 3600.0
    return (fn.julianday(later) - fn.julianday(earlier)) * 24.0
