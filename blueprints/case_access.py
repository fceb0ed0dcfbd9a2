"""Finding a person or referral for the current user: 404 unless one of their teams may
see it (so another team's records are not even confirmed to exist)."""
from __future__ import annotations

from flask import abort

from models.people import Person, Referral
from models.prepared import prepared, team_list

from .access import user_team_ids


# One referral the teams may see is enough (an indexed lookup by person, rather than
# listing everyone the teams work with).
_visible_person = prepared(lambda person, teams: Person.visible_to(teams)
                           .where(Person.id == person))


def get_person_or_404(person_id) -> Person:
    team_ids = user_team_ids()
    rows = _visible_person(person=_int_or_404(person_id),
                           teams=team_list(team_ids))
    if not rows:
        abort(404)
    return rows[0]


def get_referral_or_404(referral_id) -> Referral:
    referral = (Referral.visible_to(user_team_ids())
                .where(Referral.id == _int_or_404(referral_id)).first())
    if referral is None:
        abort(404)
    return referral


def get_on_referral_or_404(model, row_id):
    """A row of `model` (a hearing, follow-up, needs assessment...) and the referral it
    belongs to, 404 unless the user's teams may see that referral."""
    row = model.get_or_none(model.id == _int_or_404(row_id))
    if row is None:
        abort(404)
    return row, get_referral_or_404(row.referral_id)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(404)
