"""Record ids in URLs: a number past what the id columns hold is no record, so it is a
404 like any other unknown id, not a database error (PostgreSQL's integer columns stop
at 2^31 - 1; SQLite overflows at 2^63)."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no id column holds is not found. (Refused as
    a mismatch instead, Werkzeug answers 405 where another rule has the same path for
    another method.)"""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def record_id(value: str) -> int:
    """An id from a query string (a cursor, say, where 0 stands before every record);
    ValueError when no id column could hold it."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value} is not a record id")
    return number
