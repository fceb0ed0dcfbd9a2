"""Test databases: one migrated template per test session, a fresh copy for every test.

SQLite: the template is a file, copied for each test (`:memory:` would vanish when peewee
closes the connection after a request). PostgreSQL (PATHWAYS_TEST_DB=postgres with
TEST_DATABASE_URL): a schema of our own per test process, emptied before each test with
DELETE (on tables this small, TRUNCATE's new files and their fsyncs cost a hundred times
more) and its sequences restarted.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from peewee import PostgresqlDatabase

from models.base import db, open_database
from models.schema import upgrade

BACKEND = os.environ.get("PATHWAYS_TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


class TestDatabase:
    """Makes the migrated template once and hands each test a clean database URL."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.schema = None
        if BACKEND == "postgres":
            if not PG_URL:
                raise RuntimeError("PATHWAYS_TEST_DB=postgres needs TEST_DATABASE_URL")
            self.schema = "pathways_test_" + uuid.uuid4().hex[:10]
            admin = open_database(PG_URL)
            admin.execute_sql(f'CREATE SCHEMA "{self.schema}"')
            admin.close()
            self.template_url = _with_search_path(PG_URL, self.schema)
        else:
            self.template_path = workdir / "template.db"
            self.template_url = f"sqlite:///{self.template_path}"
        database = open_database(self.template_url)
        db.initialize(database)
        with database.connection_context():
            upgrade(database)
            self.tables = [t for t in database.get_tables() if t != "migratehistory"]
            if BACKEND != "postgres":
                database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()

    def fresh_url(self, test_dir: Path) -> str:
        """A database for one test, with the schema and nothing else."""
        if BACKEND == "postgres":
            database = open_database(self.template_url)
            with database.connection_context():
                # Triggers (the audit trail refuses DELETE; foreign keys would want an
                # order) are off for this cleanup only. One round trip for all of it.
                database.execute_sql(
                    "SET session_replication_role = replica;"
                    + "".join(f'DELETE FROM "{t}";' for t in self.tables)
                    + "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s"
                      " JOIN pg_class c ON c.oid = s.seqrelid"
                      " WHERE c.relnamespace = current_schema()::regnamespace;"
                    + "SET session_replication_role = origin;")
            database.close()
            return self.template_url
        target = test_dir / "pathways.db"
        shutil.copyfile(self.template_path, target)
        return f"sqlite:///{target}"

    def drop(self) -> None:
        if self.schema:
            admin = open_database(PG_URL)
            admin.execute_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            admin.close()


def is_postgres_run() -> bool:
    return BACKEND == "postgres"


def only_on(backend: str, why: str):
    """Marks a test that runs on one database only ("sqlite" or "postgres"); the other
    run skips it, saying why."""
    return pytest.mark.skipif(BACKEND != backend, reason=why)


def real_database():
    """The database the current test's app is bound to."""
    return db.obj


__all__ = ["BACKEND", "PostgresqlDatabase", "TestDatabase", "is_postgres_run", "only_on",
           "real_database"]
