"""Finding a person or referral for the current user: 404 unless one of their teams may
see it (so another team's records are not even confirmed to exist)."""
from __future__ import annotations

from flask import abort

from models.people import Person, Referral

from .access import user_team_ids


def get_person_or_404(person_id) -> Person:
    person = Person.get_or_none(Person.id == _int_or_404(person_id))
    team_ids = user_team_ids()
    # One referral the teams may see is enough (an indexed lookup by person, rather than
    # listing everyone the teams work with).
    if person is None or (team_ids is not None and not Referral.visible_to(team_ids)
                          .where(Referral.person == person.id).exists()):
        abort(404)
    return person


def get_referral_or_404(referral_id) -> Referral:
    referral = (Referral.visible_to(user_team_ids())
                .where(Referral.id == _int_or_404(referral_id)).first())
    if referral is None:
        abort(404)
    return referral


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(404)
