"""Online backup and restore, with a manifest that proves a restore is complete.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot
while Pathways keeps serving and writing. PostgreSQL: `pg_dump --format=custom` in an
exported snapshot, so the manifest's counts are taken from exactly what was dumped.

Next to the backup file, `<file>.manifest.json` lists every table's row count and a
SHA-256 of its rows in key order; `restore` recomputes both on the restored database and
refuses to call the restore good unless they match.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from peewee import PostgresqlDatabase


class BackupError(RuntimeError):
    """A backup or restore that could not be done; str() says why, for the command line."""


def _normalise(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _user_tables_sqlite(conn) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    # Full-text index tables are derived from their table and rebuilt with it.
    return [r[0] for r in rows if "_fts" not in r[0]]


def _user_tables_pg(cursor) -> list[str]:
    cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                   "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
    return [r[0] for r in cursor.fetchall()]


def _table_digest(cursor, table: str) -> dict:
    cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
    digest, count = hashlib.sha256(), 0
    for row in cursor.fetchall():
        digest.update("\x1f".join(_normalise(v) for v in row).encode("utf-8") + b"\x1e")
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def sqlite_checksums(path: str | Path) -> dict[str, dict]:
    """{table: {rows, sha256}} of the SQLite database file at `path`."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = conn.cursor()
        return {t: _table_digest(cursor, t) for t in _user_tables_sqlite(conn)}
    finally:
        conn.close()


def pg_checksums(cursor) -> dict[str, dict]:
    return {t: _table_digest(cursor, t) for t in _user_tables_pg(cursor)}


def checksums(database) -> dict[str, dict]:
    """{table: {rows, sha256}} of the live database (peewee `database`)."""
    if isinstance(database, PostgresqlDatabase):
        with database.connection_context():
            return pg_checksums(database.cursor())
    with database.connection_context():
        cursor = database.cursor()
        return {t: _table_digest(cursor, t) for t in _user_tables_sqlite(database.connection())}


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _write_manifest(path: Path, kind: str, tables: dict) -> dict:
    manifest = {"kind": kind, "taken_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "tables": tables}
    manifest_path(path).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


# -- PostgreSQL connection details --------------------------------------------------------

def _pg_schema(url: str) -> str | None:
    """The schema named by `options=-csearch_path=...` in a database URL, if any."""
    options = parse_qs(urlsplit(url).query).get("options", [])
    for option in options:
        for part in unquote(option).split():
            if part.startswith("-csearch_path="):
                return part.split("=", 1)[1].split(",")[0]
    return None


def _libpq_url(url: str) -> str:
    """A URL pg_dump understands (peewee's '+pool' scheme suffix removed)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgres") else url


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools "
                          "(same major version as the server) to back up PostgreSQL.")
    return found


# -- backup -------------------------------------------------------------------------------

def backup(database, url: str, target: Path) -> dict:
    """Write a consistent backup of the live database to `target` and its manifest."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(database, PostgresqlDatabase):
        return _backup_postgres(url, target)
    with database.connection_context():
        source = database.connection()
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a snapshot, even while others write
        finally:
            copy.close()
    return _write_manifest(target, "sqlite", sqlite_checksums(target))


def _backup_postgres(url: str, target: Path) -> dict:
    import psycopg2
    pg_dump = _require("pg_dump")
    conn = psycopg2.connect(_libpq_url(url))
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        cursor = conn.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                   f"--file={target}"]
        schema = _pg_schema(url)
        if schema:
            command.append(f"--schema={schema}")
        command.append(_libpq_url(url).split("?")[0])
        tables = pg_checksums(cursor)  # the same snapshot pg_dump reads
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    finally:
        conn.rollback()
        conn.close()
    return _write_manifest(target, "postgresql", tables)


# -- restore ------------------------------------------------------------------------------

def _has_accounts(database) -> bool:
    with database.connection_context():
        tables = database.get_tables()
        if "user_account" not in tables:
            return False
        return bool(database.execute_sql("SELECT COUNT(*) FROM user_account").fetchone()[0])


def restore(database, url: str, source: Path, replace: bool = False) -> dict:
    """Put the backup at `source` into the (fresh) database and check it against the
    manifest. Returns {"tables": n, "rows": n}; raises BackupError when anything differs."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"No backup at {source}.")
    manifest_file = manifest_path(source)
    if not manifest_file.exists():
        raise BackupError(f"No manifest at {manifest_file}: cannot check the restore.")
    manifest = json.loads(manifest_file.read_text())
    if _has_accounts(database) and not replace:
        raise BackupError("This Pathways database already holds data. Restore into a fresh "
                          "database, or pass --replace to overwrite it.")
    if isinstance(database, PostgresqlDatabase):
        if manifest["kind"] != "postgresql":
            raise BackupError("This is a SQLite backup; the database is PostgreSQL.")
        _restore_postgres(url, source)
    else:
        if manifest["kind"] != "sqlite":
            raise BackupError("This is a PostgreSQL backup; the database is SQLite.")
        if hasattr(database, "close_all"):
            database.close_all()  # pooled connections must not keep the old pages
        backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        with database.connection_context():
            try:
                backup_conn.backup(database.connection())
            finally:
                backup_conn.close()
    restored = checksums(database)
    expected = manifest["tables"]
    differences = [t for t in sorted(set(expected) | set(restored))
                   if expected.get(t) != restored.get(t)]
    if differences:
        raise BackupError("The restored database differs from the backup in: "
                          + ", ".join(differences))
    return {"tables": len(restored), "rows": sum(t["rows"] for t in restored.values())}


def _restore_postgres(url: str, source: Path) -> None:
    pg_restore = _require("pg_restore")
    command = [pg_restore, "--no-owner", "--clean", "--if-exists", "--single-transaction",
               f"--dbname={_libpq_url(url).split('?')[0]}", str(source)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")
