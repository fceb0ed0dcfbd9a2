"""Share links: a trainer sends a guide version, a session's handouts or a session's
feedback form to people without an account.

The token is 256 random bits (`secrets.token_urlsafe(32)`), shown once to the trainer;
only its SHA-256 is stored. A link has a last day, an optional download limit, can be
revoked, and reaches only what it was made for. Every use is in the audit trail. A wrong
token is a plain 404, and an address that keeps guessing is refused (429) for a while.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from limits import parse
from peewee import JOIN

from models.base import utcnow, writing
from models.files import StoredFile
from models.library import (SHARE_PURPOSES, Feedback, GuideVersion, ShareLink, TrainingSession,
                            token_hash)

from ..access import public, role_required, user_team_ids
from ..audit import audit
from ..downloads import send_stored_file
from ..extensions import client_address, limiter
from ..formats import LONDON
from ..htmx import render
from .forms import ConfirmForm, FeedbackForm, ShareForm
from .routes import EDITORS, bp, get_version
from .training import get_session

# Wrong tokens allowed per address before it is refused for the rest of the window.
GUESSES = parse("20 per 10 minutes")
STATE_PAGES = {
    "expired": ("This link has expired",
                "The link you followed has passed its last day. Ask the person who sent it "
                "for a new one."),
    "revoked": ("This link has been withdrawn",
                "The person who sent this link has withdrawn it. Ask them for a new one if "
                "you still need the document."),
    "used_up": ("This link has been used up",
                "This link allowed a set number of downloads and they have all been used. "
                "Ask the person who sent it for a new one."),
}


def end_of_day_utc(day: dt.date) -> dt.datetime:
    """The instant a link made to work 'until the end of `day`' (in London) stops working."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _new_link(form: ShareForm, **target) -> tuple[ShareLink, str]:
    token = secrets.token_urlsafe(32)
    link = ShareLink.create(token_hash=token_hash(token), expires_at=end_of_day_utc(
        form.expires_on.data), max_uses=form.max_uses.data, note=(form.note.data or "").strip(),
        created_by=current_user.id, **target)
    return link, token


def _default_form() -> ShareForm:
    form = ShareForm()
    if request.method == "GET":
        form.expires_on.data = dt.datetime.now(LONDON).date() + dt.timedelta(days=14)
    return form


def _created(link: ShareLink, token: str, what: str):
    """The page that shows a new link, once (only its hash is kept)."""
    url = url_for("library.shared", token=token, _external=True)
    return render("library/share_created.html", title="Share link created", link=link,
                  url=url, what=what)


@bp.route("/versions/<int:version_id>/share", methods=["GET", "POST"])
@role_required(*EDITORS)
def share_version(version_id: int):
    """Make a link to one guide version for people without an account."""
    version = get_version(version_id)
    if not version.published:
        abort(404)  # drafts are never shared
    form = _default_form()
    if form.validate_on_submit():
        with writing():
            link, token = _new_link(form, purpose="guide", guide_version=version.id)
            audit("library.share_link_created", object_type="share_link", object_id=link.id,
                  detail=f"guide={version.guide_id} version={version.id} "
                         f"expires={link.expires_at:%Y-%m-%d} max_uses={link.max_uses}")
        return _created(link, token, f"{version.guide.title} ({version.label})")
    return render("library/share_form.html", title="Share a guide", form=form,
                  what=f"{version.guide.title} ({version.label})",
                  back=url_for("library.guide", guide_id=version.guide_id),
                  hint="Anyone with the link can download this version of the guide until "
                       "the end of the last day, and nothing else.")


@bp.route("/sessions/<int:session_id>/share/<any(handouts, feedback):purpose>",
          methods=["GET", "POST"])
@role_required(*EDITORS)
def share_session(session_id: int, purpose: str):
    """Make a link to a session's handouts, or to its feedback form."""
    session = get_session(session_id)
    form = _default_form()
    what = (f"Handouts of \u201c{session.title}\u201d" if purpose == "handouts"
            else f"Feedback form for \u201c{session.title}\u201d")
    if purpose == "handouts" and not list(session.handouts()):
        flash("This session has no guides handed out: add them to the session first.")
        return redirect(url_for("library.session", session_id=session.id))
    if form.validate_on_submit():
        with writing():
            link, token = _new_link(form, purpose=purpose, session=session.id)
            audit("library.share_link_created", object_type="share_link", object_id=link.id,
                  team_id=session.team_id,
                  detail=f"session={session.id} purpose={purpose} "
                         f"expires={link.expires_at:%Y-%m-%d} max_uses={link.max_uses}")
        return _created(link, token, what)
    hint = ("Anyone with the link can download the guides handed out at this session."
            if purpose == "handouts" else
            "Attendees use the link to give feedback without an account. The download "
            "limit, if you set one, limits the number of answers.")
    return render("library/share_form.html", title="Share link", form=form, what=what,
                  back=url_for("library.session", session_id=session.id), hint=hint)


def _links_i_may_manage():
    """Links to guides (the library is shared) and to sessions of the user's teams."""
    query = (ShareLink.select(ShareLink, GuideVersion, TrainingSession)
             .join(GuideVersion, on=(ShareLink.guide_version == GuideVersion.id),
                   join_type=JOIN.LEFT_OUTER)
             .switch(ShareLink)
             .join(TrainingSession, on=(ShareLink.session == TrainingSession.id),
                   join_type=JOIN.LEFT_OUTER))
    teams = user_team_ids()
    if teams is not None:
        query = query.where(ShareLink.session.is_null()
                            | TrainingSession.team.in_(sorted(teams)))
    return query


@bp.route("/share-links")
@role_required(*EDITORS)
def share_links():
    """Every share link: what it opens, who it was for, its state and uses."""
    links = list(_links_i_may_manage().order_by(ShareLink.created_at.desc()).limit(300))
    return render("library/share_links.html", title="Share links", links=links, now=utcnow(),
                  purposes=SHARE_PURPOSES, confirm=ConfirmForm())


@bp.route("/share-links/<int:link_id>/revoke", methods=["POST"])
@role_required(*EDITORS)
def revoke_link(link_id: int):
    """Withdraw a link at once: it shows 'withdrawn' from then on, never the file."""
    link = _links_i_may_manage().where(ShareLink.id == link_id).first()
    if link is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and link.revoked_at is None:
        with writing():
            ShareLink.update(revoked_at=utcnow(), revoked_by=current_user.id).where(
                ShareLink.id == link.id).execute()
            audit("library.share_link_revoked", object_type="share_link", object_id=link.id,
                  team_id=link.session.team_id if link.session_id else None)
        flash("The link has been withdrawn.", "success")
    # Back to the page the button was on: only a plain path inside the library.
    back = request.form.get("back", "")
    return redirect(back if re.fullmatch(r"/library/[A-Za-z0-9_/-]*", back)
                    else url_for("library.share_links"))


# -- what people without an account see ----------------------------------------------------
def _find_link(token: str) -> ShareLink:
    """The link for `token`, or 404; an address that guesses too often gets 429."""
    address = client_address()
    if not limiter.limiter.test(GUESSES, "share-token", address):
        abort(429)
    link = ShareLink.by_token(token)
    if link is None:
        limiter.limiter.hit(GUESSES, "share-token", address)
        abort(404)
    return link


def _record_use(link: ShareLink, action: str, detail: str = "") -> None:
    audit(action, object_type="share_link", object_id=link.id,
          team_id=link.session.team_id if link.session_id else None, detail=detail)


def _unavailable(link: ShareLink, state: str):
    with writing():
        _record_use(link, "library.share_refused", detail=state)
    heading, text = STATE_PAGES[state]
    return render("library/shared_unavailable.html", status=410, title=heading,
                  heading=heading, text=text)


def _state_now(link: ShareLink) -> str:
    state = ShareLink.get_by_id(link.id).state()
    return state if state in STATE_PAGES else "used_up"


def _shared_versions(link: ShareLink) -> list[GuideVersion]:
    if link.purpose == "guide":
        return [GuideVersion.get_by_id(link.guide_version_id)]
    if link.purpose == "handouts":
        return list(link.session.handouts())
    return []


@bp.route("/shared/<token>")
@public
def shared(token: str):
    """What a share link opens: the guide(s) to download, or the feedback form."""
    link = _find_link(token)
    state = link.state()
    if state != "active":
        return _unavailable(link, state)
    if link.purpose == "feedback":
        return redirect(url_for("library.shared_feedback", token=token))
    with writing():
        _record_use(link, "library.share_opened")
    versions = _shared_versions(link)
    return render("library/shared.html", title="Shared documents", link=link, token=token,
                  versions=versions, session=link.session if link.session_id else None)


@bp.route("/shared/<token>/files/<int:version_id>")
@public
def shared_download(token: str, version_id: int):
    """Download a guide through a share link (counted against its limit)."""
    link = _find_link(token)
    version = next((v for v in _shared_versions(link) if v.id == version_id), None)
    if version is None:
        abort(404)  # the link does not reach this file
    state = link.state()
    if state != "active":
        return _unavailable(link, state)
    with writing():
        taken = link.take_use()
        if taken:
            version.count_download()
            _record_use(link, "library.share_downloaded", detail=f"version={version.id}")
    if not taken:  # someone else took the last download, or it expired meanwhile
        return _unavailable(link, _state_now(link))
    return send_stored_file(StoredFile.get_by_id(version.file_id), version.download_name)


@bp.route("/shared/<token>/feedback", methods=["GET", "POST"])
@public
def shared_feedback(token: str):
    """The feedback form of a session, for attendees without an account."""
    link = _find_link(token)
    if link.purpose != "feedback":
        abort(404)
    state = link.state()
    if state != "active":
        return _unavailable(link, state)
    session = link.session
    form = FeedbackForm()
    if form.validate_on_submit():
        with writing():
            taken = link.take_use()
            if taken:
                Feedback.create(session=session.id, usefulness=form.usefulness.data,
                                what_to_change=(form.what_to_change.data or "").strip())
                _record_use(link, "library.share_feedback_given")
        if not taken:
            return _unavailable(link, _state_now(link))
        return render("library/shared_thanks.html", title="Thank you", session=session)
    return render("library/shared_feedback.html", title="Feedback on a training session",
                  form=form, session=session, token=token)

