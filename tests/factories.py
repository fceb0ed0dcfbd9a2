"""Small builders for test data. Every test makes what it needs; nothing is shared."""
from __future__ import annotations

import datetime as dt
import itertools

from argon2 import PasswordHasher
from models.accounts import Membership, Team, User

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
# Cheap parameters, like the tests' app config; a hash carries its own parameters, so the
# app verifies it whatever its own settings.
_hasher = PasswordHasher(time_cost=1, memory_cost=1024)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def make_team(name: str | None = None, site_type: str = "magistrates_court") -> Team:
    return Team.create(name=name or f"Team {next(_counter)}", site_type=site_type)


def make_user(role: str = "practitioner", teams=(), *, name: str | None = None,
              email: str | None = None, password: str = PASSWORD, active: bool = True) -> User:
    n = next(_counter)
    user = User.create(name=name or f"{role.title()} {n}",
                       email=(email or f"{role}{n}@pathways.example").lower(), role=role,
                       password_hash=hash_password(password), active=active)
    for team in teams:
        Membership.create(user=user, team=team)
    return user


def make_person(**fields) -> "Person":
    from models.people import Person
    n = next(_counter)
    values = dict(given_name=f"Given{n}", family_name=f"Family{n}",
                  date_of_birth=dt.date(1990, 1, 1) + dt.timedelta(days=n))
    values.update(fields)
    return Person.create(**values)


def make_referral(person=None, team=None, **fields) -> "Referral":
    """A referral of `person` (made if not given) held by `team` (made if not given)."""
    from models.people import Referral
    values = dict(source="magistrates_court", screening_route="proactive",
                  reason="Referred by the court duty solicitor.")
    values.update(fields)
    return Referral.create(person=person or make_person(), team=team or make_team(), **values)


def make_note(referral, author, body="Seen in the cells.", note_type="contact", at=None,
              team=None) -> "CaseNote":
    """A case note on `referral` by `author`, for the referral's team unless `team` is given
    (`at`: its time stamp, for ordering)."""
    from models.notes import CaseNote
    return CaseNote.create(person=referral.person_id, referral=referral,
                           team=team or referral.team_id, author=author, note_type=note_type,
                           body=body, **({"created_at": at} if at else {}))


def make_hearing(referral, **fields) -> "Hearing":
    from models.people import Hearing
    values = dict(court="Highbury Corner Magistrates' Court", date=dt.date.today(),
                  time=dt.time(10, 0), courtroom="1", purpose="first_appearance")
    values.update(fields)
    return Hearing.create(referral=referral, **values)
