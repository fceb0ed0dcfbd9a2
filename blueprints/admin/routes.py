"""Administration screens: users, teams and the audit log (administrators only)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from models.accounts import ROLES, Membership, Team, User
from models.audit import AuditEvent
from models.base import update_if_version, writing

from ..access import ADMINS, role_required
from ..audit import audit
from ..formats import london_day_start
from ..auth.passwords import generate_password, hash_password
from ..htmx import render
from ..record_ids import record_id
from .forms import AuditFilterForm, TeamForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 50


def _get_user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


def _get_team(team_id: int) -> Team:
    team = Team.get_or_none(Team.id == team_id)
    if team is None:
        abort(404)
    return team


def _set_teams(user: User, team_ids: set[int]) -> set[int]:
    """Make `user` a member of exactly `team_ids`; return the teams removed."""
    current = user.team_ids()
    removed = current - team_ids
    if removed:
        Membership.delete().where((Membership.user == user)
                                  & (Membership.team.in_(sorted(removed)))).execute()
    for team_id in sorted(team_ids - current):
        Membership.create(user=user, team=team_id)
    return removed


@bp.route("/users")
@role_required(*ADMINS)
def users():
    """List every user with their role, teams and last sign-in."""
    query = User.select().order_by(fn.LOWER(User.name))
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        query = query.where(User.name.contains(q) | User.email.contains(q.lower()))
    people = list(query)
    teams_by_user: dict[int, list[str]] = {}
    for m in Membership.select(Membership.user, Team.name).join(Team).order_by(Team.name):
        teams_by_user.setdefault(m.user_id, []).append(m.team.name)
    return render("admin/users.html", "results", title="Users", users=people,
                  teams_by_user=teams_by_user, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def new_user():
    """Create a user with a temporary password, shown once."""
    form = UserForm()
    if request.method == "GET":
        form.active.data = True
    if form.validate_on_submit():
        temporary = generate_password()
        with writing():
            user = User.create(name=form.name.data.strip(),
                               email=User.normalise_email(form.email.data),
                               role=form.role.data, password_hash=hash_password(temporary),
                               must_change_password=True, active=True)
            _set_teams(user, set(form.teams.data or []))
            audit("admin.user_created", object_type="user", object_id=user.id,
                  detail=f"role={user.role}")
        return render_template("admin/password_issued.html", title="User created", user=user,
                               password=temporary, created=True)
    return render_template("admin/user_form.html", title="Add a user", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_user(user_id: int):
    """Change a user's details, role, teams or active flag."""
    user = _get_user(user_id)
    form = UserForm(obj=user if request.method == "GET" else None, editing=user)
    if request.method == "GET":
        form.teams.data = sorted(user.team_ids())
        form.version.data = str(user.version)
    if form.validate_on_submit():
        if user.id == current_user.id and (not form.active.data or form.role.data != user.role):
            form.form_errors.append("You cannot deactivate yourself or change your own role: "
                                    "ask another administrator")
        else:
            old_role, new_teams = user.role, set(form.teams.data or [])
            with writing():
                saved = update_if_version(
                    user, int(form.version.data or 0), name=form.name.data.strip(),
                    email=User.normalise_email(form.email.data), role=form.role.data,
                    active=bool(form.active.data))
                if saved:
                    removed = _set_teams(user, new_teams)
                    # Losing a team, the role or the account ends every session at once.
                    if removed or not user.active or user.role != old_role:
                        user.rotate_alt_id()
                        user.save(only=[User.alt_id])
                    audit("admin.user_changed", object_type="user", object_id=user.id,
                          detail=f"role={user.role} active={user.active} "
                                 f"teams={sorted(new_teams)} removed={sorted(removed)}")
            if saved:
                flash("Changes to the account saved.", "success")  # no name: it goes in the cookie
                return redirect(url_for("admin.users"))
            user = _get_user(user_id)
            form = UserForm(obj=user, editing=user, formdata=None)
            form.teams.data = sorted(user.team_ids())
            form.version.data = str(user.version)
            form.form_errors.append("Someone else changed this user while you were editing. "
                                    "The form now shows their changes: check and save again.")
    return render_template("admin/user_form.html", title=f"Edit {user.name}", form=form,
                           user=user)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@role_required(*ADMINS)
def reset_password(user_id: int):
    """Issue a new temporary password (shown once) and sign the user out everywhere."""
    user = _get_user(user_id)
    temporary = generate_password()
    with writing():
        user.password_hash = hash_password(temporary)
        user.must_change_password = True
        user.rotate_alt_id()
        user.save()
        audit("admin.password_reset", object_type="user", object_id=user.id)
    return render_template("admin/password_issued.html", title="Password reset", user=user,
                           password=temporary, created=False)


@bp.route("/teams")
@role_required(*ADMINS)
def teams():
    """List teams with their site and number of members."""
    counts = dict(Membership.select(Membership.team, fn.COUNT(Membership.id))
                  .group_by(Membership.team).tuples())
    return render_template("admin/teams.html", title="Teams", teams=list(Team.ordered()),
                           counts=counts)


@bp.route("/teams/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def new_team():
    """Create a team."""
    form = TeamForm()
    if form.validate_on_submit():
        with writing():
            team = Team.create(name=form.name.data.strip(), site_type=form.site_type.data)
            audit("admin.team_created", object_type="team", object_id=team.id, team_id=team.id)
        flash(f"Team {team.name} added.", "success")
        return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", title="Add a team", form=form, team=None)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_team(team_id: int):
    """Rename a team or change its site type."""
    team = _get_team(team_id)
    form = TeamForm(obj=team, editing=team)
    if form.validate_on_submit():
        with writing():
            team.name = form.name.data.strip()
            team.site_type = form.site_type.data
            team.save()
            audit("admin.team_changed", object_type="team", object_id=team.id, team_id=team.id)
        flash(f"Team {team.name} saved.", "success")
        return redirect(url_for("admin.teams"))
    members = (User.select().join(Membership).where(Membership.team == team)
               .order_by(fn.LOWER(User.name)))
    return render_template("admin/team_form.html", title=f"Edit {team.name}", form=form,
                           team=team, members=list(members))


@bp.route("/audit")
@role_required(*ADMINS)
def audit_log():
    """The audit log, newest first, with filters; 'older' pages by event number."""
    form = AuditFilterForm(request.args)
    query = AuditEvent.select(AuditEvent, User.name).join(User, JOIN.LEFT_OUTER)
    valid = form.validate()
    if valid:
        if form.actor.data:
            query = query.where(AuditEvent.actor == int(form.actor.data))
        if form.action.data:
            query = query.where(AuditEvent.action.startswith(form.action.data.strip()))
        if form.person.data:
            query = query.where(AuditEvent.person_id == form.person.data)
        # Days as the log shows its times: London's, not the stored UTC.
        if form.date_from.data:
            query = query.where(AuditEvent.at >= london_day_start(form.date_from.data))
        if form.date_to.data and form.date_to.data < dt.date.max:
            query = query.where(AuditEvent.at < london_day_start(
                form.date_to.data + dt.timedelta(days=1)))
    before = request.args.get("before", type=record_id)
    if before:
        query = query.where(AuditEvent.id < before)
    # A filter that cannot be read lists nothing (with why), never the unfiltered log.
    events = list(query.order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE + 1)) if valid else []
    more = len(events) > AUDIT_PAGE
    events = events[:AUDIT_PAGE]
    args = {k: v for k, v in request.args.items() if k != "before"}
    return render("admin/audit.html", "events", title="Audit log", form=form, events=events,
                  more=more, next_args=args, roles=ROLES)
