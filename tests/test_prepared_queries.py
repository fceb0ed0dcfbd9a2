"""Prepared queries (models/prepared.py): composed once per shape, they must give exactly
the rows the query itself gives, for every set of values, on both databases."""
from __future__ import annotations

import datetime as dt

import pytest

from peewee import JOIN, SQL, fn

from models.accounts import Team, User
from models.people import Person, Referral
import models.prepared as prepared_module
from models.prepared import prepared
from tests.database import only_on
from tests.factories import make_person, make_referral, make_user
from tests.row_check import row_state


@prepared
def _referrals(teams, since=None, status=None):
    query = Referral.select(Referral, Person).join(Person).where(Referral.team.in_(teams))
    if since is not None:
        query = query.where(Referral.received_at >= since)
    if status is not None:
        query = query.where(Referral.status == status)
    return query.order_by(Referral.id)


def _plain(teams, since=None, status=None):
    return list(_referrals.build(teams=teams, since=since, status=status))


@pytest.fixture
def referrals(team_a, team_b):
    base = dt.datetime(2026, 3, 1, 9, 30)
    rows = []
    for n in range(6):
        person = make_person(given_name=f"Given{n}", family_name=f"O'Family {n}")
        rows.append(make_referral(person, team_a if n % 2 else team_b,
                                  received_at=base + dt.timedelta(days=n),
                                  status="closed" if n == 5 else "open"))
    return rows


def test_each_run_binds_its_own_values_and_matches_the_plain_query(referrals, team_a, team_b):
    since = dt.datetime(2026, 3, 3)
    cases = [dict(teams=[team_a.id]), dict(teams=[team_b.id]),
             dict(teams=[team_a.id, team_b.id]), dict(teams=[team_b.id, team_a.id], since=since),
             dict(teams=[team_a.id], since=since, status="open"),
             dict(teams=[team_a.id], status="closed"), dict(teams=[])]
    for values in cases * 2:   # the second round runs from the kept SQL
        got = _referrals(**values)
        assert [r.id for r in got] == [r.id for r in _plain(**values)], values
    # Joined rows come back as models, as from the query itself.
    first = _referrals(teams=[team_b.id])[0]
    assert isinstance(first, Referral) and first.person.given_name == "Given0"
    assert first.received_at == dt.datetime(2026, 3, 1, 9, 30)


def _rows(referrals_list):
    return [(r.id, r.received_at, r.status, r.person.id, r.person.given_name,
             r.person.family_name) for r in referrals_list]


def test_the_row_builders_set_up_is_kept_and_gives_the_same_rows(referrals, team_a, team_b):
    by_team = prepared(lambda teams: Referral.select(Referral, Person).join(Person)
                       .where(Referral.team.in_(teams)).order_by(Referral.id))
    # A first run with no rows sets nothing up; the first run with rows does.
    assert by_team(teams=[-1]) == []
    (shape,) = by_team._compiled.values()
    assert shape.rows_setup is None
    assert _rows(by_team(teams=[team_a.id])) == _rows(by_team.build(teams=[team_a.id]))
    assert shape.rows_setup is not None
    # Later runs reuse it, with other values and another number of rows.
    for teams in ([team_b.id], [team_a.id], [-1]):
        assert _rows(by_team(teams=teams)) == _rows(by_team.build(teams=teams))
    # Rows built from the kept set-up are fresh models, not edits of earlier ones.
    first, again = by_team(teams=[team_a.id])[0], by_team(teams=[team_a.id])[0]
    assert first is not again and first.person is not again.person
    assert not first.is_dirty()


# Each kind of select a page uses: one model (whole or some columns), inner joins, a left
# join that finds nothing for some rows, a join kept under another name, a computed column.
_KINDS = {
    "one model": lambda teams: Referral.select().where(Referral.team.in_(teams)),
    "some columns": lambda teams: Referral.select(Referral.id, Referral.received_at,
                                                  Referral.person)
    .where(Referral.team.in_(teams)),
    "inner joins": lambda teams: Referral.select(Referral.id, Person.given_name, Team.name)
    .join(Person).switch(Referral).join(Team).where(Referral.team.in_(teams)),
    "left join, named": lambda teams: Referral.select(Referral, User.name)
    .join(User, JOIN.LEFT_OUTER, on=(Referral.assigned_to == User.id), attr="assignee")
    .where(Referral.team.in_(teams)),
    "computed column": lambda teams: Person.select(Person.id, fn.COUNT(Referral.id).alias("n"))
    .join(Referral).where(Referral.team.in_(teams)).group_by(Person.id),
}


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_rows_built_from_the_kept_set_up_equal_peewees_own(referrals, team_a, team_b, kind):
    user = make_user(teams=[team_a])
    Referral.update(assigned_to=user.id).where(Referral.id == referrals[1].id).execute()
    build = _KINDS[kind]
    query = prepared(lambda teams: build(teams).order_by(SQL("1")))
    value_sets = ([team_a.id, team_b.id], [team_a.id], [-1])
    for values in value_sets:
        query(teams=values)      # the first run of each shape sets it up
    assert any(shape.build_row is not None for shape in query._compiled.values())
    for values in value_sets:
        fast = query(teams=values)
        plain = list(query.build(teams=values))
        assert [row_state(r) for r in fast] == [row_state(r) for r in plain], kind
        assert all(not r._dirty for r in fast)


def test_a_value_is_bound_never_spliced_into_the_sql(referrals, team_a):
    hostile = "open' OR '1'='1"
    assert _referrals(teams=[team_a.id], status=hostile) == []
    assert len(_referrals(teams=[team_a.id], status="open")) == 2
    # The kept SQL holds placeholders, not the first caller's values.
    for shape in _referrals._compiled.values():
        assert "open" not in shape.sql and "'" not in shape.sql


def test_a_value_it_cannot_stand_in_for_is_refused(referrals):
    by_weight = prepared(lambda weight: Person.select().where(Person.id > weight))
    with pytest.raises(TypeError, match="float"):
        by_weight(weight=1.5)


def test_a_value_its_field_would_convert_is_refused(referrals):
    """A datetime given to a date field would become a date when the SQL is composed, and
    so a constant of the query instead of a place for each run's value."""
    born_at = prepared(lambda at: Person.select().where(Person.date_of_birth == at))
    with pytest.raises(TypeError, match="converted by its field"):
        born_at(at=dt.datetime(1990, 1, 1, 12))


def test_dates_are_bound_too(referrals):
    born_on = prepared(lambda day: Person.select().where(Person.date_of_birth == day))
    people = list(Person.select().order_by(Person.id))
    for person in people[:3] + people[:1]:
        assert [p.id for p in born_on(day=person.date_of_birth)] == [person.id]
    assert born_on(day=dt.date(1800, 1, 1)) == []


def test_the_shapes_kept_are_bounded(referrals, team_a, monkeypatch):
    monkeypatch.setattr("models.prepared.MAX_SHAPES", 4)
    by_ids = prepared(lambda ids: Person.select().where(Person.id.in_(ids)).order_by(Person.id))
    people = [p.id for p in Person.select().order_by(Person.id)]
    for n in range(1, len(people) + 1):   # six lengths, six shapes
        assert [p.id for p in by_ids(ids=people[:n])] == people[:n]
        assert len(by_ids._compiled) <= 4


# On PostgreSQL each shape is also prepared on the server and run by name.

def _server_statements() -> set[str]:
    from models.base import db
    return {name for (name,) in db.execute_sql(
        "SELECT name FROM pg_prepared_statements WHERE name LIKE 'pathways_%%'")}


server_side = only_on("postgres", "statements are prepared on the server on PostgreSQL only")


@server_side
def test_postgresql_plans_a_shape_once_and_runs_it_by_name(referrals, team_a, team_b):
    def build(teams, status=None):
        query = Referral.select().where(Referral.team.in_(teams))
        if status is not None:
            query = query.where(Referral.status == status)
        return query.order_by(Referral.id)

    by_team = prepared(build)
    for values in (dict(teams=[team_a.id]), dict(teams=[team_b.id]),
                   dict(teams=[team_a.id], status="open"), dict(teams=[team_b.id])):
        assert [r.id for r in by_team(**values)] == [r.id for r in by_team.build(**values)]
    shapes = list(by_team._compiled.values())
    assert len(shapes) == 2  # teams alone; teams and a status
    assert {shape.server.name for shape in shapes} <= _server_statements()
    for shape in shapes:
        assert "$1" in shape.server.prepare and "%s" not in shape.server.prepare
        assert shape.server.execute.startswith(f"EXECUTE {shape.server.name} (%s")


@server_side
def test_a_prepared_statement_means_what_the_statement_sent_whole_means(referrals):
    """A datetime is declared a timestamp, as psycopg2 sends it: compared with a date of
    birth it is not cut down to a date (noon on someone's birthday is not their birth
    date), and a quoted % in the SQL stays a %."""
    person = Person.select().order_by(Person.id).first()
    born = person.date_of_birth
    at = prepared(lambda when: Person.select(Person.id, SQL("'100%%'").alias("share"))
                  .where(Person.date_of_birth == SQL("%s", [when])).order_by(Person.id))
    noon = dt.datetime.combine(born, dt.time(12))
    midnight = dt.datetime.combine(born, dt.time(0))
    for when in (noon, midnight, noon):
        assert [p.id for p in at(when=when)] == [p.id for p in at.build(when=when)]
    assert at(when=noon) == []
    rows = at(when=midnight)
    assert person.id in [p.id for p in rows] and rows[0].share == "100%"
    (shape,) = at._compiled.values()
    assert shape.server is not None and "(timestamp)" in shape.server.prepare


@server_side
def test_a_statement_postgresql_will_not_prepare_is_sent_whole(referrals, team_a,
                                                               monkeypatch):
    """PostgreSQL cannot tell the type of `$1 IS NULL`: the refusal is taken back to a
    savepoint, so a write in progress still commits, and the query runs as before."""
    from models.base import writing
    refusals = []
    monkeypatch.setattr(prepared_module, "refused", lambda statement, error: refusals.append(error))
    named = prepared(lambda word: Person.select()
                     .where(SQL("%s IS NULL", [word]) | (Person.given_name == word)))
    with writing():
        Person.update(preferred_name="Kept").where(Person.given_name == "Given1").execute()
        assert [p.given_name for p in named(word="Given1")] == ["Given1"]
        assert [p.given_name for p in named(word="Given2")] == ["Given2"]
    assert len(refusals) == 1 and "could not determine" in str(refusals[0])
    assert Person.get(Person.given_name == "Given1").preferred_name == "Kept"
    (shape,) = named._compiled.values()
    assert shape.server is None


@server_side
def test_each_connection_keeps_a_bounded_number_of_statements(referrals, monkeypatch):
    monkeypatch.setattr("models.prepared.MAX_PER_CONNECTION", 2)
    by_ids = prepared(lambda ids: Person.select().where(Person.id.in_(ids)).order_by(Person.id))
    people = [p.id for p in Person.select().order_by(Person.id)]
    for n in (1, 2, 3, 4, 1, 4):
        assert [p.id for p in by_ids(ids=people[:n])] == people[:n]
        assert len(_server_statements()) <= 2


@server_side
def test_with_preparing_off_every_statement_is_sent_whole(referrals, team_a, monkeypatch):
    """DATABASE_PREPARE=off, for a pooler that shares server sessions between clients."""
    from flask import Flask

    from app import load_config
    monkeypatch.setenv("DATABASE_PREPARE", "off")
    settings = Flask(__name__)
    load_config(settings, None)
    assert settings.config["DATABASE_PREPARE"] is False
    monkeypatch.setitem(prepared_module.SETTINGS, "server_prepare", False)
    before = _server_statements()
    fresh = prepared(lambda teams: Referral.select().where(Referral.team.in_(teams)))
    assert [r.id for r in fresh(teams=[team_a.id])] == \
        [r.id for r in fresh.build(teams=[team_a.id])]
    assert User.for_session("no such key") is None
    assert _server_statements() == before
