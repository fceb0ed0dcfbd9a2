"""Sign in, sign out, change password; and the pages that give back a refused form."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from models.accounts import User
from models.base import utcnow, writing

from ..access import public, signed_in
from ..audit import audit
from ..extensions import client_address
from ..htmx import hx_redirect
from ..sessions import end_session, is_safe_next, start_session
from .forms import LoginForm, PasswordForm
from .passwords import hash_password, verify_password
from .throttle import clear_account, is_throttled, record_failure

bp = Blueprint("auth", __name__)

BAD_LOGIN = "Enter a correct email address and password"
THROTTLED = ("Too many sign-in attempts. Wait 15 minutes and try again, or ask an "
             "administrator to reset your password.")


def _carried_from_form() -> list[tuple[str, str]]:
    names, values = request.form.getlist("carry_name"), request.form.getlist("carry_value")
    return list(zip(names, values))


def render_login(form: LoginForm | None = None, next_url: str | None = None,
                 carried=(), status: int = 200):
    """The sign-in page; `carried` is text typed into a form that was refused, kept in
    hidden fields until the user is signed in again."""
    form = form or LoginForm(formdata=None)
    return make_response(render_template(
        "auth/login.html", title="Sign in", form=form,
        next_url=next_url if is_safe_next(next_url) else None, carried=list(carried)), status)


def render_resubmit(next_url: str, carried, status: int = 200, reason: str = ""):
    """Ask the user to send again a form that was refused, with what they typed."""
    if not is_safe_next(next_url):
        next_url = url_for("dashboard.index")
    return make_response(render_template(
        "auth/resubmit.html", title="Your changes have not been saved yet",
        next_url=next_url, carried=list(carried), reason=reason), status)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with email and password."""
    next_url = request.values.get("next")
    if not is_safe_next(next_url):
        next_url = None
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("dashboard.index"))
    form = LoginForm()
    carried = _carried_from_form()
    if not form.validate_on_submit():
        return render_login(form, next_url, carried)

    email = User.normalise_email(form.email.data)
    address = client_address()
    if is_throttled(email, address):
        form.form_errors.append(THROTTLED)
        return render_login(form, next_url, carried, status=429)
    user = User.by_email(email)
    valid = verify_password(user.password_hash if user else None, form.password.data)
    if not (valid and user.active):
        record_failure(email, address)
        with writing():
            audit("auth.login_failed", actor=user, object_type="user",
                  object_id=user.id if user else "",
                  detail="inactive account" if (valid and user) else "")
        form.form_errors.append(BAD_LOGIN)
        return render_login(form, next_url, carried)

    clear_account(email)
    with writing():
        user.last_login_at = utcnow()
        user.save(only=[User.last_login_at])
        audit("auth.login", actor=user, object_type="user", object_id=user.id)
    start_session(user)
    if user.must_change_password:
        flash("Choose a new password to finish signing in.", "info")
        return redirect(url_for("auth.password"))
    if carried and next_url:
        return render_resubmit(next_url, carried)
    return redirect(next_url or url_for("dashboard.index"))


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out: every session of this user ends, not just this browser's."""
    user = current_user._get_current_object()
    with writing():
        user.rotate_alt_id()
        user.save(only=[User.alt_id])
        audit("auth.logout", object_type="user", object_id=user.id)
    end_session("You have signed out.")
    return hx_redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change my password; my other sessions are signed out."""
    user = current_user._get_current_object()
    form = PasswordForm(email=user.email)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            with writing():
                user.password_hash = hash_password(form.new_password.data)
                user.password_changed_at = utcnow()
                user.must_change_password = False
                user.rotate_alt_id()
                user.save()
                audit("auth.password_changed", object_type="user", object_id=user.id)
            start_session(user)
            flash("Your password has been changed. Any other sessions have been signed out.",
                  "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", title="Change your password", form=form)


def password_change_gate():
    """before_request: a user with a temporary password may only change it or sign out."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.password", "auth.logout", "static",
                                         "dashboard.healthz", None)):
        return redirect(url_for("auth.password"))
    return None


@bp.record_once
def _install_gate(state):
    state.app.before_request(password_change_gate)
