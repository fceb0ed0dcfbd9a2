"""The database handle, the base model and the transaction helpers every part uses.

Time conventions: instants (created, changed, audited) are stored as naive UTC datetimes
from `utcnow()`; appointments (hearing date and time, session dates) are stored as local
wall-clock dates and times in Europe/London, as the court list prints them.
"""
from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

# Applied to every SQLite connection. WAL lets readers carry on while one writer writes;
# synchronous=FULL keeps acknowledged writes across a power cut; busy_timeout makes a
# writer wait for the lock instead of failing with "database is locked".
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "synchronous": "full",
    "cache_size": -16000,
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False  # CaseNote -> case_note


def utcnow() -> dt.datetime:
    """The current instant as a naive UTC datetime (how instants are stored)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 30}


def open_database(url: str, pooled: bool = True):
    """Make a peewee database from a URL (sqlite:///path or postgresql://...).

    Connections are pooled: a request borrows one and gives it back, so the pragmas and
    the connection handshake are paid once per connection, not once per request.
    """
    scheme, rest = url.split("://", 1)
    if pooled and "+pool" not in scheme:
        url = f"{scheme}+pool://{rest}"
    kwargs = dict(POOL) if pooled or "+pool" in scheme else {}
    if scheme.startswith("sqlite"):
        # A write transaction takes the write lock when it begins (IMMEDIATE), so two
        # writers queue on busy_timeout instead of one failing when it upgrades its lock.
        # A pooled connection may be borrowed by another thread later (one at a time).
        return connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                       check_same_thread=False, **kwargs)
    return connect(url, **kwargs)


def init_db(url: str):
    """Bind the proxy to the database at `url` and return the real database."""
    database = open_database(url)
    db.initialize(database)
    return database


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


# SQLite lets one writer in at a time and makes the others poll for the lock: polling is
# not a queue, so under many writers an unlucky one can starve past busy_timeout and fail
# with "database is locked". Writers of one process therefore queue on this lock first
# (the operating system wakes them in turn); SQLite's lock then only arbitrates between
# processes. Re-entrant, so a writing() block may call code that opens its own.
_SQLITE_WRITER = threading.RLock()


@contextmanager
def writing():
    """A write transaction: all of it is stored, or none of it.

    Use around every change and its audit event, so the two commit together.
    """
    if is_sqlite():
        with _SQLITE_WRITER, db.atomic() as txn:
            yield txn
        return
    with db.atomic() as txn:
        yield txn


def update_if_version(instance, expected_version: int, **changes) -> bool:
    """Apply `changes` to `instance` only if its row still has `expected_version`
    (optimistic locking: a stale form is refused instead of overwriting someone else's
    change). Bumps the version; returns False when the row had moved on."""
    model = type(instance)
    changes["version"] = model.version + 1
    updated = (model.update(**changes)
               .where((model._meta.primary_key == instance._pk)
                      & (model.version == expected_version))
               .execute())
    if updated:
        for name, value in changes.items():
            if name != "version":
                setattr(instance, name, value)
        instance.version = expected_version + 1
    return bool(updated)
