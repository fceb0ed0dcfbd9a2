"""Who may do what: role checks on views and team scoping of queries.

Every view declares its access with @role_required(...) or @public. A view that declares
nothing is refused for everyone (deny by default, enforced in enforce_declared_access).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user

from models.accounts import ROLES, Team

ALL_ROLES = tuple(ROLES)
# People's records: those who work cases. Admins run the system, not cases.
CASEWORKERS = ("practitioner", "coordinator", "manager")
MANAGERS = ("manager",)
ADMINS = ("admin",)


@dataclass(frozen=True)
class Access:
    roles: frozenset = frozenset()
    public: bool = False


def role_required(*roles: str):
    """Allow signed-in users whose role is one of `roles`; 403 for the others."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = Access(roles=frozenset(roles))
        return wrapped

    return decorate


def signed_in(view):
    """Allow any signed-in user, whatever the role."""
    return role_required(*ALL_ROLES)(view)


def public(view):
    """Allow anyone, signed in or not (login page, health check, share links)."""
    view.access = Access(public=True)
    return view


def access_of(endpoint: str) -> Access | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_declared_access():
    """before_request: refuse any view that has not declared who may use it."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    if access_of(endpoint) is None:
        current_app.logger.error("view %s declares no access rule; refused", endpoint)
        abort(403)
    return None


def user_team_ids() -> set[int] | None:
    """The teams whose records the current user may see; None means every team (admin)."""
    if "team_ids" not in g:
        if not current_user.is_authenticated:
            g.team_ids = set()
        elif current_user.is_admin:
            g.team_ids = None
        else:
            g.team_ids = {team.id for team in my_teams()}
    return g.team_ids


def my_teams() -> list:
    """The current user's teams (once per request; the header shows them on every page)."""
    if "my_teams" not in g:
        g.my_teams = current_user.teams() if current_user.is_authenticated else []
    return g.my_teams


def scope_to_teams(query, team_field):
    """Limit `query` to rows whose `team_field` is one of the current user's teams."""
    ids = user_team_ids()
    if ids is None:
        return query
    return query.where(team_field.in_(sorted(ids)))  # an empty list matches nothing


def visible_teams():
    """Teams the current user may pick from (all of them for an admin)."""
    ids = user_team_ids()
    query = Team.ordered()
    return query if ids is None else query.where(Team.id.in_(sorted(ids)))


def require_team(team_id: int) -> None:
    """404 unless the current user may see records of team `team_id`
    (404, not 403, so another team's records are not even confirmed to exist)."""
    ids = user_team_ids()
    if ids is not None and team_id not in ids:
        abort(404)
