"""Canary records: one row of every model, owned by a team of its own, with a unique
marker in every text field. A user of another team must never see a marker anywhere.

Rows are made automatically from the model's fields (text gets a marker, choices their
first value, foreign keys the canary row of the related model, the team the canary team).
A model that needs more than that registers a builder:

    @canary_builder(Referral)
    def referral(canary):                       # canary: CanarySeed (team, made, text())
        return Referral.create(person=canary.made[Person], team=canary.team,
                               summary=canary.text("summary"), ...)

A model that every team legitimately sees (the service directory, the guide library) is
declared shared with `SHARED_MODELS.add(Model)`: its rows are made without markers.
"""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
import re
from typing import Callable

from peewee import (AutoField, BigIntegerField, BlobField, BooleanField, CharField, DateField,
                    DateTimeField, DecimalField, FloatField, ForeignKeyField, IntegerField,
                    TextField, TimeField, UUIDField)

from models import ALL_MODELS
from models.accounts import Team, User
from models.audit import AuditEvent
from models.base import utcnow

MARK = "zqcanary"             # what the tests look for in every response
SEARCH_WORD = "Kestrelwood"   # a word searches can find the canary rows by (not a marker)
MARKER = re.compile(MARK + r"\d{4}", re.IGNORECASE)

BUILDERS: dict[type, Callable[["CanarySeed"], object]] = {}
SHARED_MODELS: set[type] = set()
_numbers = itertools.count(1)


def canary_builder(model):
    """Register how to make the canary row of `model`."""
    def register(build):
        BUILDERS[model] = build
        return build
    return register


class CanarySeed:
    """The canary team, and the rows made for it so far (model -> instance)."""

    def __init__(self, team: Team, marked: bool = True):
        self.team = team
        self.marked = marked
        self.made: dict[type, object] = {}
        self.markers: dict[str, str] = {}  # marker -> "model.field"

    def text(self, where: str, max_length: int | None = None, email: bool = False) -> str:
        """A unique marked text for field `where` (plain text when unmarked)."""
        n = next(_numbers)
        token = f"{MARK}{n:04d}"
        if email:
            value = f"{token}@example.org" if self.marked else f"shared{n}@example.org"
        elif not self.marked:
            value = f"Shared sample {n}"
        else:
            value = f"{SEARCH_WORD} {token}"
            if max_length and len(value) > max_length:
                value = token
        if max_length and len(value) > max_length:
            return ""
        if self.marked:
            self.markers[token] = where
        return value


def _value_for(field, seed: CanarySeed):
    """A value for `field` of a canary row, or ... to leave it to its default."""
    where = f"{field.model.__name__}.{field.name}"
    if isinstance(field, ForeignKeyField):
        target = field.rel_model
        if target is Team:
            return seed.team
        if target in seed.made:
            return seed.made[target]
        return None if field.null else ...
    if field.choices:
        first = field.choices[0]
        return first[0] if isinstance(first, (tuple, list)) else first
    if isinstance(field, (CharField, TextField)) and not isinstance(field, UUIDField):
        email = "email" in field.name
        value = seed.text(where, getattr(field, "max_length", None), email=email)
        return value if value else ...
    if field.default is not None or field.null:
        return ...
    if isinstance(field, BooleanField):
        return False
    if isinstance(field, (IntegerField, BigIntegerField, FloatField, DecimalField)):
        return decimal.Decimal(1) if isinstance(field, DecimalField) else 1
    if isinstance(field, DateTimeField):
        return utcnow()
    if isinstance(field, DateField):
        return dt.date.today()
    if isinstance(field, TimeField):
        return dt.time(10, 0)
    if isinstance(field, BlobField):
        return b""
    return ...


def build_automatically(model, seed: CanarySeed):
    values = {}
    for field in model._meta.sorted_fields:
        if isinstance(field, AutoField) or field.primary_key:
            continue
        value = _value_for(field, seed)
        if value is not ...:
            values[field.name] = value
    return model.create(**values)


@canary_builder(AuditEvent)
def _audit_event(seed: CanarySeed):
    return AuditEvent.record("canary.viewed", actor=seed.made.get(User), object_type="canary",
                             team_id=seed.team.id, detail=seed.text("AuditEvent.detail"))


def seed_canaries(team: Team) -> CanarySeed:
    """One row of every model for `team` (the team itself gets a marked name first)."""
    seed = CanarySeed(team)
    team.name = seed.text("Team.name", 120)
    team.save()
    seed.made[Team] = team
    for model in ALL_MODELS:
        if model is Team:
            continue
        seed.marked = model not in SHARED_MODELS
        build = BUILDERS.get(model)
        seed.made[model] = build(seed) if build else build_automatically(model, seed)
    seed.marked = True
    return seed


def find_markers(text: str) -> list[str]:
    return sorted(set(m.group(0).lower() for m in MARKER.finditer(text)))


# Parts register builders and shared models next to their samples (tests/samples_<part>.py).
import tests.samples  # noqa: E402,F401
