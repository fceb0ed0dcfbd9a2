"""The numbered migrations build exactly the schema the models describe, without data loss."""
from peewee import SqliteDatabase

from models import ALL_MODELS
from models.base import db, is_sqlite
from models.notes import NOTE_TEXT
from models.schema import MIGRATIONS_DIR, pending, unmigrated_changes, upgrade


def test_migrations_cover_every_model_change(tmp_path):
    scratch = SqliteDatabase(str(tmp_path / "empty.db"))
    changes = unmigrated_changes(scratch, ALL_MODELS)
    assert changes == "", f"model changes without a migration:\n{changes}"


def test_applied_migrations_match_the_models_column_by_column(app):
    database = db.obj
    tables = set(database.get_tables())
    # The one column no model declares, for note search only: SQLite's note readers, and
    # PostgreSQL's words-and-readers document.
    index_only = {NOTE_TEXT.table: {NOTE_TEXT.tags[0] if is_sqlite() else "search_doc"}}
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, f"{table} missing"
        columns = {c.name: c for c in database.get_columns(table)}
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(columns) == set(fields) | index_only.get(table, set()), table
        for name, field in fields.items():
            assert columns[name].null == field.null, f"{table}.{name} nullability"
        in_db = {(tuple(i.columns), bool(i.unique)) for i in database.get_indexes(table)}
        for index in model._meta.fields_to_index():
            cols = tuple(e.column_name for e in index._expressions)
            assert (cols, bool(index._unique)) in in_db, f"{table} index {cols}"


def test_upgrade_is_a_no_op_when_up_to_date(app):
    assert pending(db.obj) == []
    assert upgrade(db.obj) == []


def test_migrations_are_numbered_files_in_order():
    names = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.py"))
    assert names and names[0].startswith("001_")
    numbers = [int(n[:3]) for n in names]
    assert len(numbers) == len(set(numbers)), "two migrations share a number"
