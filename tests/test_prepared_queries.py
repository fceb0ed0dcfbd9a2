"""Prepared queries (models/prepared.py): composed once per shape, they must give exactly
the rows the query itself gives, for every set of values, on both databases."""
from __future__ import annotations

import datetime as dt

import pytest

from models.people import Person, Referral
from models.prepared import prepared
from tests.factories import make_person, make_referral


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


def test_a_value_is_bound_never_spliced_into_the_sql(referrals, team_a):
    hostile = "open' OR '1'='1"
    assert _referrals(teams=[team_a.id], status=hostile) == []
    assert len(_referrals(teams=[team_a.id], status="open")) == 2
    # The kept SQL holds placeholders, not the first caller's values.
    for _query, sql, _params, _places in _referrals._compiled.values():
        assert "open" not in sql and "'" not in sql


def test_a_value_it_cannot_stand_in_for_is_refused(referrals):
    by_weight = prepared(lambda weight: Person.select().where(Person.id > weight))
    with pytest.raises(TypeError, match="float"):
        by_weight(weight=1.5)


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
