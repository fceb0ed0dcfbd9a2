"""Queries whose SQL is composed once per shape, then only run.

Peewee composes a query's SQL from its expression tree on every run. On the case pages that
costs more than the database's own work: a person page ran 14 statements in 0.6 ms but
spent about 6 ms composing them. A prepared query is built once per shape with stand-in
values in place of the real ones; each later run puts the real values where the stand-ins
were and hands the rows to the query's own row builder, so callers get the same model
objects, joined rows included, as from the query itself. The row builder's set-up (which
column goes to which model, through which converter) is worked out on the first run of a
shape and kept, and later runs build their models straight from it (models/row_builder.py).

    notes_of = prepared(lambda person, teams: CaseNote.select()
                        .where((CaseNote.person == person) & CaseNote.team.in_(teams)))
    notes_of(person=7, teams=[1, 2])

On PostgreSQL a shape is also prepared on the server, once per connection (PREPARE), and
run by name (EXECUTE), so the database plans it once instead of on every run: on the
caseload, planning took longer than running (about 0.45 ms of each 0.7 ms statement).
Parameters are declared as the types psycopg2 would have sent (a datetime as timestamp,
a date, a bool; a str or int left for PostgreSQL to take from where it is used, as it
does with a quoted literal), so a statement means the same prepared or not. A shape whose
statement the server will not prepare (a parameter whose type it cannot tell, or a None)
is sent whole each run as before. As with any prepared statement (psycopg 3 prepares one
it has run five times), PostgreSQL plans the first five runs for their values and then
keeps one plan for all values only if it is estimated to cost no more; a hand-written
search whose plan rests on its words (note search) is therefore not prepared.
`DATABASE_PREPARE=off` turns this off, for a connection pooler that shares server
sessions between clients (PgBouncer in transaction mode), where a statement prepared on
one client's session is not there for the next.

The builder is called with keyword arguments only. What a value may be:
- an int, str, date or datetime: a stand-in is passed, and the real value is bound each run;
- a list, tuple or set of those: a list of stand-ins of the same length (the length is
  part of the shape);
- None or a bool: passed as it is and part of the shape (the builder may branch on it).
Anything the SQL depends on must come in through these arguments: a value the builder
reads from elsewhere (today's date, the signed-in user) would be frozen at the first run.
The builder may leave a value out of the query (one branch needs it, another not), but
must not compute with a stand-in: only bools and None are real when it runs.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import weakref
from typing import Callable

from .base import db, is_postgres
from .row_builder import row_builder

# Stand-ins no real value can equal: ids are positive, no text holds a NUL, no stored
# date or time is in the year 1.
_INT_BASE = -(10 ** 15)
_STR_BASE = "\x00prepared-"
# Shapes kept per query. A list's length is part of its shape (a person's referrals, a
# user's teams), so a query could meet many; past this many, it starts afresh.
MAX_SHAPES = 256
_LISTS = (list, tuple, set, frozenset)


# What a cursor wrapper holds for one run only; the rest of it, once set up, depends on the
# query and its columns alone, so is the same for every run of one shape.
_PER_RUN = frozenset({"cursor", "count", "index", "initialized", "populated", "row_cache"})


def _fixed(value) -> bool:
    """None and bools are passed to the builder as they are (they choose the shape)."""
    return value is None or isinstance(value, bool)


class _StandIns:
    def __init__(self):
        self.places: dict = {}

    def make(self, name: str, value, index: int | None = None):
        n = len(self.places)
        if isinstance(value, dt.datetime):
            stand_in = dt.datetime(1, 1, 1) + dt.timedelta(microseconds=n + 1)
        elif isinstance(value, dt.date):
            stand_in = dt.date(1, 1, 1) + dt.timedelta(days=n + 1)
        elif isinstance(value, str):
            stand_in = f"{_STR_BASE}{n}"
        elif isinstance(value, int):
            stand_in = _INT_BASE - n
        else:
            raise TypeError(f"a prepared query cannot take {type(value).__name__} ({name})")
        self.places[stand_in] = (name, index)
        return stand_in


def _looks_stood_in(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value <= _INT_BASE
    if isinstance(value, str):
        return value.startswith(_STR_BASE)
    return isinstance(value, dt.date) and value.year == 1


def _shape(values: dict) -> tuple:
    shape = []
    for name in sorted(values):
        value = values[name]
        if _fixed(value):
            shape.append((name, value))
        elif isinstance(value, _LISTS):
            shape.append((name, "list", len(value)))
        else:
            shape.append((name, type(value).__name__))
    return tuple(shape)


# PostgreSQL types for parameters whose literal psycopg2 sends with a type; anything else
# is `unknown`, which PostgreSQL resolves from where the parameter is used.
_DECLARED_TYPES = {dt.datetime: "timestamp", dt.date: "date", bool: "boolean",
                   float: "double precision"}
# What PostgreSQL has prepared, per connection (a pooled connection outlives requests).
# Past this many on one connection it starts afresh (DEALLOCATE ALL).
MAX_PER_CONNECTION = 1000
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SETTINGS = {"server_prepare": True}


def refused(statement: str, error: Exception) -> None:
    """PostgreSQL would not prepare `statement`; it is sent whole from now on. (The tests
    make this an error, so every query the pages run is known to be prepared.)"""


def _send(sql: str) -> None:
    """Send SQL as it is: no parameters, so psycopg2 reads no % in it."""
    cursor = db.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


class _ServerStatement:
    """A shape as PostgreSQL prepares and runs it by name."""
    __slots__ = ("name", "prepare", "execute")

    def __init__(self, sql: str, params: list):
        numbers = iter(range(1, len(params) + 1))
        # peewee writes a parameter as %s and a literal % as %%
        body = re.sub(r"%[%s]", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}",
                      sql)
        types = [_DECLARED_TYPES.get(type(p), "unknown") for p in params]
        self.name = "pathways_" + hashlib.sha256(f"{types}{body}".encode()).hexdigest()[:24]
        declared = f" ({', '.join(types)})" if types else ""
        self.prepare = f"PREPARE {self.name}{declared} AS {body}"
        self.execute = f"EXECUTE {self.name}" + (
            f" ({', '.join(['%s'] * len(params))})" if params else "")

    @staticmethod
    def of(sql: str, params: list) -> _ServerStatement | None:
        if any(p is None for p in params):
            return None
        return _ServerStatement(sql, params)

    def run(self, bound: list):
        """The cursor of EXECUTE, preparing first on this connection if need be; None when
        PostgreSQL refuses to prepare it (the caller then sends the statement whole)."""
        import psycopg2
        connection = db.connection()
        names = _prepared_on.get(connection)
        if names is None:
            names = _prepared_on[connection] = set()
        if self.name not in names:
            if len(names) >= MAX_PER_CONNECTION:
                _send("DEALLOCATE ALL")
                names.clear()
            try:
                if db.in_transaction():
                    with db.atomic():  # a savepoint: a refusal leaves the transaction usable
                        _send(self.prepare)
                else:
                    _send(self.prepare)
            except psycopg2.Error as error:
                refused(self.prepare, error)
                return None
            names.add(self.name)
        return db.execute_sql(self.execute, bound)


class _Shape:
    """One shape of a query: its SQL, where the real values go, and the row builder's
    set-up once a run has made it."""
    __slots__ = ("query", "sql", "params", "places", "rows_setup", "build_row", "server")

    def __init__(self, query, sql, params, places):
        self.query, self.sql, self.params, self.places = query, sql, params, places
        self.rows_setup = None
        self.build_row = None
        self.server = _ServerStatement.of(sql, params) if is_postgres() else None

    def rows(self, cursor) -> list:
        if self.build_row is not None:
            rows = [self.build_row(row) for row in cursor.fetchall()]
            cursor.close()
            return rows
        wrapper = self.query._get_cursor_wrapper(cursor)
        setup = self.rows_setup
        if setup is not None:
            wrapper.__dict__.update(setup)
            wrapper.initialized = True
            return list(wrapper)
        rows = list(wrapper)
        if wrapper.initialized:  # a run with no rows sets nothing up
            self.rows_setup = {k: v for k, v in vars(wrapper).items() if k not in _PER_RUN}
            self.build_row = row_builder(wrapper)
        return rows


class Prepared:
    """A query builder and the SQL it composed for each shape seen so far."""

    def __init__(self, build: Callable):
        self.build = build
        self._compiled: dict = {}
        self._lock = threading.Lock()

    def _compile(self, key, values: dict):
        stand_ins = _StandIns()
        arguments = {}
        for name, value in values.items():
            if _fixed(value):
                arguments[name] = value
            elif isinstance(value, _LISTS):
                arguments[name] = [stand_ins.make(name, v, i) for i, v in enumerate(value)]
            else:
                arguments[name] = stand_ins.make(name, value)
        query = self.build(**arguments)
        sql, params = query.sql()
        # Each parameter is either a constant of the query or the place of a real value.
        places = [stand_ins.places.get(p) if isinstance(p, (int, str, dt.date))
                  and not isinstance(p, bool) else None for p in params]
        for p, place in zip(params, places):
            if place is None and _looks_stood_in(p):
                # a field turned the stand-in into something else (a datetime given to a
                # date field becomes a date): the query would keep it as a constant
                raise TypeError(f"a value of this query was converted by its field; pass "
                                f"the field's own type ({p!r})")
        compiled = _Shape(query, sql, params, places)
        with self._lock:
            if len(self._compiled) >= MAX_SHAPES:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled

    def __call__(self, **values) -> list:
        """Run the query with these values; its rows, as the query itself would give them."""
        shape, cursor = self._run(values)
        return shape.rows(cursor)

    def execute(self, **values) -> None:
        """Run a statement that returns no rows wanted (an INSERT, say)."""
        self._run(values)

    def _run(self, values: dict):
        key = (type(db.obj), _shape(values))
        compiled = self._compiled.get(key) or self._compile(key, values)
        lists = {name: list(v) for name, v in values.items() if isinstance(v, _LISTS)}
        bound = []
        for constant, place in zip(compiled.params, compiled.places):
            if place is None:
                bound.append(constant)
            else:
                name, index = place
                bound.append(values[name] if index is None else lists[name][index])
        if compiled.server is not None and SETTINGS["server_prepare"]:
            cursor = compiled.server.run(bound)
            if cursor is not None:
                return compiled, cursor
            compiled.server = None  # PostgreSQL would not prepare it: send it whole
        return compiled, db.execute_sql(compiled.sql, bound)


_fixed_statements: dict = {}


def execute_fixed(sql: str, params: tuple | list):
    """db.execute_sql for SQL written by hand for a busy page (the session's user, note
    search): on PostgreSQL prepared on the server like a prepared query's shapes. The SQL
    must take its values as parameters, never spliced in."""
    if not (SETTINGS["server_prepare"] and is_postgres()):
        return db.execute_sql(sql, params)
    key = (sql, tuple(type(p) for p in params))
    statement = _fixed_statements.get(key, False)
    if statement is False:
        if len(_fixed_statements) >= MAX_SHAPES:
            _fixed_statements.clear()
        statement = _fixed_statements[key] = _ServerStatement.of(sql, list(params))
    cursor = statement.run(list(params)) if statement is not None else None
    if cursor is None:
        _fixed_statements[key] = None
        return db.execute_sql(sql, params)
    return cursor


def prepared(build: Callable) -> Prepared:
    return Prepared(build)


def team_list(team_ids) -> list[int] | None:
    """Team ids as a prepared query takes them: sorted, or None (every team, for admins)."""
    return None if team_ids is None else sorted(team_ids)
