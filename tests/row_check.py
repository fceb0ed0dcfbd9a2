"""Every prepared query in the suite builds its rows both ways and checks they agree.

models/row_builder.py builds model rows faster than peewee by writing each plain field
straight into the model's data. While the tests run (conftest.py turns this on), each row
it builds is also built by peewee's own wrapper, and the two must be the same models with
the same data, related models, dirty marks and extra attributes: so every query the pages
run, on both databases, checks the fast builder against peewee's. On PostgreSQL a statement
the server will not prepare is an error too, so every query the tests run is prepared."""
from __future__ import annotations

from peewee import Model

from models import prepared
from models.row_builder import row_builder


def row_state(value, depth: int = 0):
    """A model as comparable data: its class, field data, related models, dirty marks and
    any other attributes, related models followed a few levels down."""
    if not isinstance(value, Model) or depth > 4:
        return value if not isinstance(value, dict) else \
            {k: row_state(v, depth + 1) for k, v in value.items()}
    extra = {k: row_state(v, depth + 1) for k, v in vars(value).items()
             if k not in ("__data__", "__rel__", "_dirty")}
    return (type(value).__name__, dict(value.__data__),
            {k: row_state(v, depth + 1) for k, v in value.__rel__.items()},
            set(value._dirty), extra)


def checking_row_builder(wrapper):
    fast = row_builder(wrapper)
    if fast is None:
        return None

    def build(row):
        mine = fast(row)
        theirs = wrapper.process_row(row)
        assert row_state(mine) == row_state(theirs), (row_state(mine), row_state(theirs))
        return mine

    return build


def check_every_prepared_row() -> None:
    prepared.row_builder = checking_row_builder


def _refused(statement: str, error: Exception) -> None:
    raise AssertionError(f"PostgreSQL would not prepare {statement[:500]!r}: {error}")


def refusal_is_an_error() -> None:
    prepared.refused = _refused
