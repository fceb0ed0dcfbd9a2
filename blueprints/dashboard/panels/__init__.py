"""The lists on each role's home page. Each panel's provider lives in its own module and
returns None when the part it needs is not installed (the panel is then not shown).

A provider takes (user, team_ids) and returns a dict its template block reads; the block
is `panel_<key>` (dashes as underscores) in dashboard/index.html, refreshable by htmx.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...access import user_team_ids
from . import (downloads, follow_ups, hearings, housing, pathway_sessions, referrals,
               service_referrals, share_links, training_sessions, verification)

PRACTICE = frozenset({"practitioner", "manager"})


@dataclass(frozen=True)
class Panel:
    key: str
    roles: frozenset
    provider: Callable


PANELS = [
    Panel("hearings", PRACTICE, hearings.hearings_today),
    Panel("referrals", PRACTICE, referrals.my_open_referrals),
    # Coordinators are given follow-ups on referrals too (housing ones, mostly).
    Panel("follow-ups", PRACTICE | {"coordinator"}, follow_ups.follow_ups_due),
    Panel("service-referrals", PRACTICE, service_referrals.awaiting_follow_up),
    Panel("pathway-sessions", PRACTICE | {"coordinator"}, pathway_sessions.sessions_today),
    Panel("housing", frozenset({"coordinator"}), housing.board),
    Panel("verification", frozenset({"coordinator"}), verification.services_to_verify),
    Panel("training", frozenset({"trainer"}), training_sessions.upcoming),
    Panel("downloads", frozenset({"trainer"}), downloads.recent),
    Panel("share-links", frozenset({"trainer"}), share_links.recent_use),
]
BY_KEY = {p.key: p for p in PANELS}


def _teams() -> set[int]:
    return user_team_ids() or set()


def for_user(user) -> dict[str, dict]:
    """Every panel `user`'s role sees whose part is installed: key -> its data."""
    out = {}
    for panel in PANELS:
        if user.role in panel.roles:
            data = panel.provider(user, _teams())
            if data is not None:
                out[panel.key] = data
    return out


def one_for_user(user, key: str) -> dict | None:
    """The data of panel `key`, or None when it does not exist for this user."""
    panel = BY_KEY.get(key)
    if panel is None or user.role not in panel.roles:
        return None
    return panel.provider(user, _teams())
