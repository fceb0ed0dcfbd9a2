"""A database of its own for a migration test: every migration but the one under test
applied, so the test can write rows "from before" and then run it (and roll it back)."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from models.schema import router


def all_migrations_but(scratch, last: str):
    """The migrations of the database `scratch`, all but `last` applied."""
    migrations = router(scratch)
    for name in migrations.diff:
        if name != last:
            migrations.run_one(name, migrations.migrator, fake=False)
    assert migrations.diff == [last]
    return migrations


@contextmanager
def postgres_scratch(label: str):
    """A PostgreSQL database in a schema of its own on the test server, dropped after."""
    from models.base import open_database
    from tests.database import PG_URL, _with_search_path
    schema = f"pathways_{label}_" + uuid.uuid4().hex[:8]
    admin = open_database(PG_URL)
    admin.execute_sql(f'CREATE SCHEMA "{schema}"')
    scratch = open_database(_with_search_path(PG_URL, schema))
    try:
        yield scratch
    finally:
        scratch.close()
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()


@contextmanager
def scratch_database(label: str, tmp_path):
    """A scratch database of the kind the suite runs on: a SQLite file in `tmp_path`, or a
    schema of its own on the PostgreSQL test server."""
    from peewee import SqliteDatabase

    from models.base import is_sqlite
    if is_sqlite():
        scratch = SqliteDatabase(str(tmp_path / f"{label}.db"), pragmas={"foreign_keys": 1})
        try:
            yield scratch
        finally:
            scratch.close()
    else:
        with postgres_scratch(label) as scratch:
            yield scratch
