"""Schema migrations: numbered files in migrations/, applied in order by peewee-migrate.

Numbers are reserved per part so that parts developed side by side never collide:
001-009 foundation, 010-019 case work, 020-029 directory, 030-039 letters,
040-049 pathways and housing, 050-059 library, 060-069 dashboard, 070-079 security,
080-089 directory (continued), 090-099 case work (continued).
"""
from __future__ import annotations

import logging
from pathlib import Path

from peewee_migrate import Router

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def router(database) -> Router:
    logger = logging.getLogger("pathways.migrations")
    return Router(database, migrate_dir=str(MIGRATIONS_DIR), logger=logger)


def pending(database) -> list[str]:
    """Names of migrations not yet applied."""
    return list(router(database).diff)


def upgrade(database) -> list[str]:
    """Apply every pending migration; return their names."""
    r = router(database)
    todo = list(r.diff)
    if todo:
        r.run()
    return todo


def unmigrated_changes(database, models) -> str:
    """Python source of the migration that would bring the migrations in line with
    `models`; empty when every model change has a migration. `database` must be empty."""
    from peewee_migrate.router import compile_migrations
    r = router(database)
    for name in r.diff:
        r.run_one(name, r.migrator, fake=True)
    source = compile_migrations(r.migrator, models) or ""
    return _without_index_churn(source)


def _without_index_churn(source: str) -> str:
    """Drop 'drop_index X' + 'add_index X' pairs: peewee-migrate 2.3 compares index fields
    of two model classes with `!=`, which peewee turns into an always-true expression, so
    every unchanged index shows up as dropped and re-added. (The test that compares the
    migrated database's indexes with the models covers indexes instead.)"""
    import re
    lines = [line for line in source.splitlines() if line.strip()]
    key = re.compile(r"migrator\.(drop|add)_index\(('[^']+'(?:, '[^']+')*)")
    drops = {m.group(2) for line in lines if (m := key.search(line)) and m.group(1) == "drop"}
    adds = {m.group(2) for line in lines if (m := key.search(line)) and m.group(1) == "add"}
    churn = drops & adds
    kept = [line for line in lines
            if not ((m := key.search(line)) and m.group(2) in churn)]
    return "\n".join(kept)


def new_migration(database, models, name: str, number: int) -> str | None:
    """Write migrations/<number>_<name>.py for the model changes not yet migrated."""
    r = router(database)
    created = r.create(name, auto=models)
    if not created:
        return None
    made = next(MIGRATIONS_DIR.glob(f"*_{name}.py"))
    target = MIGRATIONS_DIR / f"{number:03d}_{name}.py"
    target.write_text(_tidy_migration(made.read_text(), f"{number:03d} {name}"))
    made.unlink()
    return target.name


def _tidy_migration(source: str, title: str) -> str:
    """A generated migration without peewee-migrate's example docstring and without the
    index churn described in _without_index_churn."""
    import re
    body = re.sub(r'\A""".*?"""', f'"""{title}."""', source, count=1, flags=re.S)
    churn = set(_without_index_churn(body).splitlines())
    kept = [line for line in body.splitlines()
            if "_index(" not in line or line.strip() in {c.strip() for c in churn}]
    return re.sub(r"\n{3,}(?=    )", "\n\n", "\n".join(kept)).rstrip() + "\n"
