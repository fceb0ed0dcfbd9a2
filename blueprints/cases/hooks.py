"""Where other parts plug into the case-work pages. Register at import time of your
blueprint (e.g. in its __init__.py); nothing here imports other parts.

REFERRAL_ACTIONS: buttons on the referral page, in order.
    REFERRAL_ACTIONS.append(ReferralAction("Write a letter", "letters.new", "referral_id",
                                           roles=("practitioner", "manager")))
    The button links to url_for(endpoint, **{arg: referral.id}); it shows only to the roles
    listed (and only when the endpoint exists). A plain tuple (label, endpoint, arg, roles)
    works too.

PERSON_PANELS / REFERRAL_PANELS: extra sections on the person or referral page.
    def service_referrals_panel(person, team_ids):
        rows = ...  # only what team_ids may see
        if not rows:
            return None                      # nothing to show: no section
        return ("Service referrals", "directory/_person_panel.html", {"rows": rows})
    PERSON_PANELS.append(service_referrals_panel)
    A referral panel is called as panel(referral, team_ids). The template is included in
    the page's context (`person`, and `referral` on the referral page) with your context
    dict as `panel` ({{ panel.rows }}); the page prints the title as a heading level 2.

SUBJECT_ACCESS_SECTIONS: what other parts hold on a person, for the subject access export.
    def letters_for_export(person) -> tuple[str, list[dict]] | None:
        return ("Letters", [{"written": "...", "template": "...", ...}, ...])
    Values must be plain JSON types (str, int, bool, None, lists and dicts of them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ReferralAction:
    label: str
    endpoint: str
    arg: str = "referral_id"
    roles: tuple[str, ...] = ("practitioner", "coordinator", "manager")


REFERRAL_ACTIONS: list[ReferralAction] = []
PERSON_PANELS: list[Callable] = []
REFERRAL_PANELS: list[Callable] = []
SUBJECT_ACCESS_SECTIONS: list[Callable] = []


def actions_for(referral, user) -> list[tuple[str, str]]:
    """(label, url) of the registered actions this user may take on `referral`."""
    from flask import current_app, url_for
    out = []
    for action in REFERRAL_ACTIONS:
        if isinstance(action, tuple) and not isinstance(action, ReferralAction):
            action = ReferralAction(*action)
        if user.role in action.roles and action.endpoint in current_app.view_functions:
            out.append((action.label, url_for(action.endpoint, **{action.arg: referral.id})))
    return out


def panels_for(panels: list[Callable], subject, team_ids) -> list[tuple[str, str, dict]]:
    """The (title, template, context) of every registered panel that has something to show."""
    out = []
    for panel in panels:
        result = panel(subject, team_ids)
        if result:
            out.append(result)
    return out
