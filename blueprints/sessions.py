"""Signed-in sessions: loading the user, idle and absolute timeouts, and what happens to a
form posted after the session or its CSRF token has expired (nothing typed is lost).

The session cookie holds only flask-login's user key (the user's rotating alt_id, never the
database id) and two timestamps; nothing personal.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, make_response, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user

from models.accounts import User

from .htmx import current_page_path, is_htmx


class SessionInterface(SecureCookieSessionInterface):
    """Marks the cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        from flask import has_request_context
        secure = super().get_cookie_secure(app)
        return secure or (has_request_context() and request.is_secure)


def load_user(alt_id: str):
    """flask-login user loader: only an active user whose alt_id is current."""
    return User.for_session(alt_id)


def start_session(user: User) -> None:
    """After a successful login: a new session carrying only the user key and timestamps."""
    from flask_login import login_user
    session.clear()
    # A CSRF token made earlier in this request (the sign-in form's) belongs to the old
    # session: the page shown next (the form to save again) must carry the new one.
    g.pop("csrf_token", None)
    login_user(user)
    now = int(time.time())
    session["auth_at"] = now
    session["seen_at"] = now


def end_session(message: str | None = None) -> None:
    logout_user()
    session.clear()
    if message:
        flash(message, "info")


def check_session_age():
    """before_request: sign out a session idle too long or older than the absolute limit.

    Background refreshes (polling) do not count as activity, so a board left open on a
    screen still times out.
    """
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    auth_at, seen_at = session.get("auth_at", 0), session.get("seen_at", 0)
    if now - auth_at > absolute:
        end_session("You were signed out because your session reached its time limit. "
                    "Please sign in again.")
    elif now - seen_at > idle:
        end_session(f"You were signed out after {current_app.config['SESSION_IDLE_MINUTES']} "
                    "minutes without activity. Please sign in again.")
    elif now - seen_at > 30 and request.headers.get("X-Background-Refresh") != "true":
        session["seen_at"] = now
    return None


def is_safe_next(target: str | None) -> bool:
    """A `next` URL is safe only if it is a path on this site (no scheme, no host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return parts.scheme == "" and parts.netloc == ""


def is_same_origin() -> bool:
    """True when the browser says the request came from one of our own pages. Typed text is
    only given back for those: a forged cross-site post must not become a one-click form."""
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site == "same-origin"
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            return urlsplit(value).netloc == request.host
    return False


def carried_fields() -> list[tuple[str, str]]:
    """What the user typed into the refused form, to give back to them (never passwords,
    CSRF tokens or files)."""
    if request.method != "POST" or not is_same_origin():
        return []
    fields = []
    for name, value in request.form.items(multi=True):
        if name == "csrf_token" or "password" in name.lower() or name.startswith("carry_"):
            continue
        fields.append((name, value))
    return fields


def _full_body_swap(response):
    """Tell htmx to replace the whole page body rather than the small target it aimed at."""
    response.headers["HX-Retarget"] = "body"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def unauthorized():
    """Not signed in (or signed out by a timeout): send the user to the login page, keeping
    anything they had typed."""
    from .auth.routes import render_login

    carried = carried_fields()
    if is_htmx():
        page = current_page_path() or url_for("dashboard.index")
        if carried:
            return _full_body_swap(render_login(next_url=request.path, carried=carried,
                                                status=200))
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("auth.login", next=page)
        return response
    if carried:
        return render_login(next_url=request.path, carried=carried, status=401)
    target = request.full_path if request.method == "GET" else None
    if target and target.endswith("?"):
        target = target[:-1]
    return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))


def csrf_refused(error):
    """A form whose CSRF token has expired or is missing: keep what was typed and ask the
    user to send it again (or to sign in first)."""
    from .auth.routes import render_login, render_resubmit

    carried = carried_fields()
    if not current_user.is_authenticated:
        status = 200 if is_htmx() else 400
        response = render_login(next_url=request.path, carried=carried, status=status)
    else:
        status = 200 if is_htmx() else 400
        response = render_resubmit(next_url=request.path, carried=carried, status=status,
                                   reason=error.description)
    return _full_body_swap(response) if is_htmx() else response
