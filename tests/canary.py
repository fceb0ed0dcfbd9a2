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
from models.files import FileChunk, StoredFile

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
        self.neutral: dict[type, object] = {}  # unmarked rows that shared rows point to

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
        if not seed.marked and target in (User, StoredFile):
            return _neutral(target, seed)  # a shared row is made by someone, not by team B
        if target in seed.made:
            return seed.made[target]
        return None if field.null else ...
    if field.choices:
        first = field.choices[0]
        return first[0] if isinstance(first, (tuple, list)) else first
    if isinstance(field, (CharField, TextField)) and not isinstance(field, UUIDField):
        email = "email" in field.name
        max_length = getattr(field, "max_length", None)
        value = seed.text(where, max_length, email=email)
        if value:
            return value
        if field.default is None and not field.null:
            return "x" * min(max_length or 1, 4)  # too short for a marker, but required
        return ...
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


def _neutral(model, seed: CanarySeed):
    if model not in seed.neutral:
        if model is User:
            seed.neutral[model] = User.create(name="Shared author", role="trainer",
                                              email="shared-author@example.org",
                                              password_hash="-")
        else:
            from models.files import store
            seed.neutral[model] = store(b"Shared file", "text/plain", "txt")
    return seed.neutral[model]


@canary_builder(StoredFile)
def _stored_file(seed: CanarySeed):
    from models.files import store
    text = seed.text("StoredFile content") or "Shared file"
    return store(f"Letter about {text}".encode(), "text/plain", "txt")


@canary_builder(FileChunk)
def _file_chunk(seed: CanarySeed):
    return FileChunk.get(FileChunk.file == seed.made[StoredFile])


def seed_canaries(team: Team) -> CanarySeed:
    """One row of every model for `team`. (Team names are not marked: every team sees
    the list of teams, for example to share a referral.)"""
    seed = CanarySeed(team)
    fill(seed)
    seed.marked = True
    return seed


def fill(seed: CanarySeed) -> None:
    """One row of every model for the seed's team, marked unless the model is shared."""
    seed.made[Team] = seed.team
    for model in ALL_MODELS:
        if model is Team:
            continue
        seed.marked = model not in SHARED_MODELS
        build = BUILDERS.get(model)
        seed.made[model] = build(seed) if build else build_automatically(model, seed)


def find_markers(text: str) -> list[str]:
    return sorted(set(m.group(0).lower() for m in MARKER.finditer(text)))


# Every team sees the guide library and the letter templates (not people's records).
def _library_and_letters():
    from models.letters import LetterTemplate, TemplateVersion
    from models.library import Guide, GuideVersion, QuickSheet, ShareLink, TrainingSession
    SHARED_MODELS.update({LetterTemplate, TemplateVersion, Guide, GuideVersion, QuickSheet})
    # The service directory and the pathway programmes are the same for every team (the
    # referrals made to services are a team's, and are marked).
    from models.directory import DIRECTORY_MODELS
    from models.pathways import Programme
    from models.directory_cache import DirectoryGeneration
    SHARED_MODELS.update(DIRECTORY_MODELS)
    SHARED_MODELS.update({Programme, DirectoryGeneration})

    @canary_builder(DirectoryGeneration)
    def directory_generation(seed):
        # One row (id 1), renewed by the database's triggers; it holds nothing of a team's.
        return (DirectoryGeneration.get_or_none(DirectoryGeneration.id == 1)
                or DirectoryGeneration.create(id=1, stamp=""))

    @canary_builder(ShareLink)
    def share_link(seed):
        # A team's link opens one of its training sessions (links to guides are shared,
        # as the guides are).
        import hashlib
        return ShareLink.create(token_hash=hashlib.sha256(seed.text("token").encode())
                                .hexdigest(), purpose="feedback", session=seed.made[
                                    TrainingSession], note=seed.text("ShareLink.note", 200),
                                expires_at=utcnow(), created_by=seed.made[User])


_library_and_letters()

# Parts register builders and shared models next to their samples (tests/samples_<part>.py).
import tests.samples  # noqa: E402,F401
