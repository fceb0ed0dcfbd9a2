"""Accounts: users, teams, memberships and the roles that decide what a user may do."""
from __future__ import annotations

import secrets

from flask_login import UserMixin
from peewee import (JOIN, BooleanField, CharField, DateTimeField, ForeignKeyField,
                    IntegerField, fn)

from .base import BaseModel, db, utcnow
from .prepared import execute_fixed

ROLES = {
    "practitioner": "Practitioner",
    "coordinator": "Coordinator",
    "trainer": "Trainer",
    "manager": "Manager",
    "admin": "Administrator",
}

SITE_TYPES = {
    "custody_suite": "Police custody suite",
    "magistrates_court": "Magistrates' court",
    "crown_court": "Crown court",
    "probation_office": "Probation office",
    "prison": "Prison",
    "community": "Community",
}


def new_alt_id() -> str:
    """A fresh random session identifier (what the login cookie holds, not the user id)."""
    return secrets.token_urlsafe(32)


class Team(BaseModel):
    name = CharField(max_length=120, unique=True)
    site_type = CharField(max_length=40, choices=list(SITE_TYPES.items()))
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "team"

    @property
    def site_label(self) -> str:
        return SITE_TYPES.get(self.site_type, self.site_type)

    @classmethod
    def ordered(cls):
        return cls.select().order_by(fn.LOWER(cls.name))


class User(BaseModel, UserMixin):
    name = CharField(max_length=120)
    # Stored lower-cased so that the unique index is case-insensitive.
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=20, choices=list(ROLES.items()))
    active = BooleanField(default=True)
    # What the session cookie carries instead of the id. Rotating it ends every session
    # of this user at once: on logout, password change, deactivation and team removal.
    alt_id = CharField(max_length=64, unique=True, default=new_alt_id)
    last_login_at = DateTimeField(null=True)
    # Set when an administrator issues a temporary password: the user must choose their own.
    must_change_password = BooleanField(default=False)
    password_changed_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)
    # Bumped on every admin edit so a stale edit form is refused, not applied.
    version = IntegerField(default=1)

    class Meta:
        table_name = "user_account"  # "user" is a reserved word in PostgreSQL

    # flask-login: the cookie holds alt_id, so rotating it revokes old cookies.
    def get_id(self) -> str:
        return self.alt_id

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def rotate_alt_id(self) -> None:
        """End every session of this user (the caller saves)."""
        self.alt_id = new_alt_id()

    def teams(self):
        if getattr(self, "cached_teams", None) is not None:
            return list(self.cached_teams)
        return list(Team.select().join(Membership).where(Membership.user == self)
                    .order_by(fn.LOWER(Team.name)))

    def team_ids(self) -> set[int]:
        return {m.team_id for m in Membership.select(Membership.team).where(Membership.user == self)}

    @staticmethod
    def normalise_email(email: str) -> str:
        return (email or "").strip().lower()

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == cls.normalise_email(email))

    @classmethod
    def by_alt_id(cls, alt_id: str):
        return cls.get_or_none((cls.alt_id == alt_id) & (cls.active == True))  # noqa: E712

    @classmethod
    def for_session(cls, alt_id: str):
        """The active user whose session key is `alt_id`, with their teams, in one query.

        Runs on every request, so its SQL is built once per database and reused (peewee
        spends longer composing a query than SQLite spends running this one).
        """
        sql = _session_sql()
        rows = list(execute_fixed(sql, (alt_id, True)))
        if not rows:
            return None
        fields = cls._meta.sorted_fields
        width = len(fields)
        user = cls(**{f.name: f.python_value(v) for f, v in zip(fields, rows[0][:width])})
        user._dirty.clear()
        user.cached_teams = [Team(id=r[width], name=r[width + 1], site_type=r[width + 2])
                             for r in rows if r[width] is not None]
        user.cached_teams.sort(key=lambda t: t.name.lower())
        return user


class Membership(BaseModel):
    user = ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    team = ForeignKeyField(Team, backref="memberships", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "membership"
        indexes = ((("user", "team"), True),)  # one membership per user and team


_SESSION_SQL: dict[type, str] = {}


def _session_sql() -> str:
    """SELECT user columns + team id, name, site type; WHERE alt_id = ? AND active = ?."""
    kind = type(db.obj)
    if kind not in _SESSION_SQL:
        query = (User.select(User, Team.id, Team.name, Team.site_type)
                 .join(Membership, JOIN.LEFT_OUTER, on=(Membership.user == User.id))
                 .join(Team, JOIN.LEFT_OUTER, on=(Membership.team == Team.id))
                 .where((User.alt_id == "?") & (User.active == True)))  # noqa: E712
        sql, params = query.sql()
        assert params == ["?", True], params
        _SESSION_SQL[kind] = sql
    return _SESSION_SQL[kind]
