"""A snapshot of every model's table, to see exactly which rows a request changed."""
from __future__ import annotations

from peewee import ForeignKeyField

from models import ALL_MODELS
from models.accounts import Team, User
from models.base import db


def snapshot(skip: tuple[str, ...] = ()) -> dict[str, dict]:
    """{table: {primary key: {column: value}}} for every model's table."""
    tables = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table in skip:
            continue
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        columns = [c[0] for c in cursor.description]
        pk = model._meta.primary_key.column_name if model._meta.primary_key else columns[0]
        rows = {}
        for values in cursor.fetchall():
            row = dict(zip(columns, values))
            rows[row.get(pk, tuple(values))] = row
        tables[table] = rows
    return tables


def changes(before: dict, after: dict) -> list[tuple[str, object, dict | None, dict | None]]:
    """(table, key, old row or None, new row or None) for every added, changed or removed row."""
    found = []
    for table, rows in after.items():
        old_rows = before.get(table, {})
        for key, row in rows.items():
            if old_rows.get(key) != row:
                found.append((table, key, old_rows.get(key), row))
        for key, row in old_rows.items():
            if key not in rows:
                found.append((table, key, row, None))
    return found


def reference_columns(target) -> set[tuple[str, str]]:
    """(table, column) of every foreign key pointing at model `target`."""
    return {(m._meta.table_name, f.column_name) for m in ALL_MODELS
            for f in m._meta.sorted_fields
            if isinstance(f, ForeignKeyField) and f.rel_model is target}


def team_columns() -> set[tuple[str, str]]:
    columns = reference_columns(Team)
    # Some tables keep a team's id without a foreign key (the audit trail outlives teams).
    columns |= {(m._meta.table_name, "team_id") for m in ALL_MODELS
                if "team_id" in m._meta.columns}
    return columns


def user_columns() -> set[tuple[str, str]]:
    return reference_columns(User)
