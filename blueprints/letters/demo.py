"""Demo data for letters: the standard templates (and, when the case-work demo has made
referrals, a court report on the first one so the case timeline shows a letter)."""
from __future__ import annotations

from models.base import writing
from models.letters import GeneratedDocument, LetterTemplate

from . import catalogue, defaults


def seed_demo(demo) -> None:
    """Install the standard templates; write one demo letter once (idempotent)."""
    defaults.install_defaults()
    if GeneratedDocument.select().exists():
        return
    from models.people import Referral
    manager = demo.users.get("manager")
    team_ids = [team.id for key, team in demo.teams.items() if key in ("magistrates",)]
    referral = (Referral.select().where(Referral.team.in_(team_ids)).order_by(Referral.id)
                .first()) if team_ids else None
    court = LetterTemplate.for_purpose("court_report")
    if referral is None or manager is None or court is None:
        return
    from .generate import write_letter
    with writing():
        write_letter(referral, court.latest_version(), manager,
                     catalogue.prefill_for(referral))
