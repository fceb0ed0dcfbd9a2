"""The declared access policy: for every route, who may use it and whether it shows one
team's records.

This table is the second, independent statement of each view's access (the first is the
view's own `@role_required(...)` / `@public` decorator). tests/test_access_routes.py walks
every route of the app as an anonymous visitor, as each role, as a deactivated user and as
a user of another team, and fails when a route is missing here (deny by default), when the
decorator and this table disagree, or when a response differs from what the table says:

- anonymous or deactivated: sent to sign in (htmx: 401 with HX-Redirect), unless public;
- a role not listed: 403;
- a listed role: served;
- `team_scoped`: the route names a record of one team (its URL arguments, built by
  tests/samples.py); a user of another team gets 404, as if it did not exist.

Adding a route: add its endpoint here, next to its part's other routes.
"""
from __future__ import annotations

from dataclasses import dataclass

from .access import ADMINS, ALL_ROLES, CASEWORKERS, MANAGERS  # noqa: F401  (parts use them)


@dataclass(frozen=True)
class Rule:
    roles: frozenset = frozenset()  # empty with public=True: anyone
    public: bool = False
    team_scoped: bool = False


def allow(*roles: str, team_scoped: bool = False) -> Rule:
    """Signed-in users with one of `roles`."""
    if not roles:
        raise ValueError("allow() needs at least one role")
    return Rule(roles=frozenset(roles), team_scoped=team_scoped)


PUBLIC = Rule(public=True)
SIGNED_IN = allow(*ALL_ROLES)

POLICY: dict[str, Rule] = {
    # Foundation: signing in and out, home page, health check.
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "dashboard.index": SIGNED_IN,
    "dashboard.healthz": PUBLIC,
    # Administration: users, teams, the audit log (administrators only, every team).
    "admin.users": allow(*ADMINS),
    "admin.new_user": allow(*ADMINS),
    "admin.edit_user": allow(*ADMINS),
    "admin.reset_password": allow(*ADMINS),
    "admin.teams": allow(*ADMINS),
    "admin.new_team": allow(*ADMINS),
    "admin.edit_team": allow(*ADMINS),
    "admin.audit_log": allow(*ADMINS),
    # Records retention: managers of the team holding the referral.
    "security.review": allow(*MANAGERS),
    "security.destroy": allow(*MANAGERS, team_scoped=True),
}


def rule_for(endpoint: str) -> Rule | None:
    """The declared rule for `endpoint`, or None when it has none (which the tests refuse)."""
    return POLICY.get(endpoint)
