"""Training sessions: details, guides handed out, the attendance register (with CSV import
and export) and the feedback received. A session belongs to a team: another team's
session is a 404 on every route."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from peewee import fn

from models.base import update_if_version, utcnow, writing
from models.library import (Attendee, Feedback, Guide, Handout, ShareLink, TrainingSession,
                            join_keys, split_keys)

from ..access import require_team, role_required, scope_to_teams, visible_teams
from ..audit import audit
from ..downloads import content_disposition, safe_download_name
from ..htmx import hx_redirect, is_partial, render
from ..uploads import DOCX_TYPE, UploadRefused, read_upload
from . import certificates
from .forms import AttendeeForm, ConfirmForm, ImportForm, SessionForm
from .registers import MAX_CSV_BYTES, parse_register, register_csv
from .routes import EDITORS, bp


def get_session(session_id: int) -> TrainingSession:
    """A session of one of the user's teams (404 for any other)."""
    session = TrainingSession.get_or_none(TrainingSession.id == session_id)
    if session is None:
        abort(404)
    require_team(session.team_id)
    return session


def get_attendee(session: TrainingSession, attendee_id: int) -> Attendee:
    attendee = Attendee.get_or_none((Attendee.id == attendee_id)
                                    & (Attendee.session == session))
    if attendee is None:
        abort(404)
    return attendee


def _handout_choices() -> list[tuple[int, str]]:
    """Current published version of every guide, as (version id, label)."""
    choices = []
    for guide in Guide.select().order_by(fn.LOWER(Guide.title)):
        version = guide.current_version()
        if version:
            choices.append((version.id, f"{guide.title} ({version.label})"))
    return choices


def _session_form(session: TrainingSession | None = None) -> SessionForm:
    form = SessionForm(obj=session if request.method == "GET" else None)
    form.team.choices = [(t.id, t.name) for t in visible_teams()]
    handouts = _handout_choices()
    if session is not None:  # keep versions handed out earlier, even if no longer current
        known = {value for value, _ in handouts}
        for version in session.handouts():
            if version.id not in known:
                handouts.append((version.id, f"{version.guide.title} ({version.label})"))
    form.handouts.choices = handouts
    if request.method == "GET":
        if session is None:
            form.trainers.data = current_user.name
            form.team.data = form.team.choices[0][0] if form.team.choices else None
        else:
            form.team.data = session.team_id
            form.topics.data = split_keys(session.topics)
            form.handouts.data = [v.id for v in session.handouts()]
            form.version.data = str(session.version)
    return form


def _set_handouts(session: TrainingSession, version_ids) -> None:
    wanted = set(version_ids or [])
    current = {h.guide_version_id: h for h in Handout.select().where(Handout.session == session)}
    for version_id in set(current) - wanted:
        current[version_id].delete_instance()
    for version_id in sorted(wanted - set(current)):
        Handout.create(session=session, guide_version=version_id)


@bp.route("/sessions")
@role_required(*EDITORS)
def sessions():
    """Training sessions of the user's teams, the latest first."""
    query = scope_to_teams(TrainingSession.select(), TrainingSession.team)
    rows = list(query.order_by(TrainingSession.date.desc(), TrainingSession.id.desc()).limit(200))
    counts = {}
    if rows:
        counts = dict(Attendee.select(Attendee.session, fn.COUNT(Attendee.id))
                      .where(Attendee.session.in_([s.id for s in rows]) & Attendee.attended)
                      .group_by(Attendee.session).tuples())
    return render("library/sessions.html", title="Training sessions", sessions=rows,
                  counts=counts)


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_session():
    """Record a training session."""
    form = _session_form()
    if form.validate_on_submit():
        require_team(form.team.data)
        with writing():
            session = TrainingSession.create(
                team=form.team.data, title=form.title.data.strip(), date=form.date.data,
                venue=form.venue.data.strip(), trainers=form.trainers.data.strip(),
                organisation=form.organisation.data.strip(), topics=join_keys(form.topics.data),
                created_by=current_user.id)
            _set_handouts(session, form.handouts.data)
            audit("library.session_created", object_type="training_session",
                  object_id=session.id, team_id=session.team_id)
        flash("Session recorded. Now add who attended.", "success")
        return redirect(url_for("library.session", session_id=session.id))
    return render("library/session_form.html", title="Record a training session", form=form,
                  session=None)


def _session_page(session: TrainingSession, form: AttendeeForm):
    """The session page, with `form` as its add-someone form (blank, or with errors)."""
    feedback = list(Feedback.select().where(Feedback.session == session)
                    .order_by(Feedback.created_at.desc()))
    average = (sum(f.usefulness for f in feedback) / len(feedback)) if feedback else None
    links = list(ShareLink.select().where(ShareLink.session == session)
                 .order_by(ShareLink.created_at.desc()))
    return render("library/session.html", title=session.title, session=session,
                  attendees=list(session.attendees()), handouts=list(session.handouts()),
                  feedback=feedback, average=average, links=links, now=utcnow(), form=form,
                  confirm=ConfirmForm(), certificates_available=certificates.available())


@bp.route("/sessions/<int:session_id>")
@role_required(*EDITORS)
def session(session_id: int):
    """A session: details, handouts, attendance register, feedback and share links."""
    session = get_session(session_id)
    with writing():
        audit("library.session_viewed", object_type="training_session", object_id=session.id,
              team_id=session.team_id)
    return _session_page(session, AttendeeForm(formdata=None))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_session(session_id: int):
    """Change a session's details or the guides handed out."""
    session = get_session(session_id)
    form = _session_form(session)
    if form.validate_on_submit():
        require_team(form.team.data)
        with writing():
            saved = update_if_version(
                session, int(form.version.data or 0), team=form.team.data,
                title=form.title.data.strip(), date=form.date.data, venue=form.venue.data.strip(),
                trainers=form.trainers.data.strip(), organisation=form.organisation.data.strip(),
                topics=join_keys(form.topics.data))
            if saved:
                _set_handouts(session, form.handouts.data)
                audit("library.session_changed", object_type="training_session",
                      object_id=session.id, team_id=session.team_id)
        if saved:
            flash("Session saved.", "success")
            return redirect(url_for("library.session", session_id=session.id))
        form.form_errors.append("Someone else changed this session while you were editing. "
                                "Open it again to see their changes before saving yours.")
    return render("library/session_form.html", title=f"Edit {session.title}", form=form,
                  session=session)


@bp.route("/sessions/<int:session_id>/attendees", methods=["POST"])
@role_required(*EDITORS)
def add_attendee(session_id: int):
    """Add one person to the register."""
    session = get_session(session_id)
    form = AttendeeForm()
    if form.validate_on_submit():
        with writing():
            attendee = Attendee.create(
                session=session, name=form.name.data.strip(),
                organisation=(form.organisation.data or "").strip(),
                role=(form.role.data or "").strip(), email=(form.email.data or "").strip().lower(),
                attended=bool(form.attended.data))
            audit("library.attendee_added", object_type="training_session",
                  object_id=session.id, team_id=session.team_id, detail=f"attendee={attendee.id}")
        flash("Added to the register.", "success")  # no name: it goes in the cookie
        return hx_redirect(url_for("library.session", session_id=session.id) + "#register")
    return _session_page(session, form)


@bp.route("/sessions/<int:session_id>/attendees/<int:attendee_id>/attended", methods=["POST"])
@role_required(*EDITORS)
def mark_attended(session_id: int, attendee_id: int):
    """Mark someone as attended or not (htmx swaps the row; without JavaScript, a redirect)."""
    session = get_session(session_id)
    attendee = get_attendee(session, attendee_id)
    if ConfirmForm().validate_on_submit():
        attended = request.form.get("attended") == "yes"
        with writing():
            Attendee.update(attended=attended).where(Attendee.id == attendee.id).execute()
            audit("library.attendance_marked", object_type="training_session",
                  object_id=session.id, team_id=session.team_id,
                  detail=f"attendee={attendee.id} attended={attended}")
        attendee.attended = attended
    if is_partial():
        return render("library/session.html", "attendee_row", person=attendee, session=session)
    return redirect(url_for("library.session", session_id=session.id) + "#register")


@bp.route("/sessions/<int:session_id>/attendees/<int:attendee_id>/remove", methods=["POST"])
@role_required(*EDITORS)
def remove_attendee(session_id: int, attendee_id: int):
    """Take someone off the register (entered by mistake)."""
    session = get_session(session_id)
    attendee = get_attendee(session, attendee_id)
    if ConfirmForm().validate_on_submit():
        with writing():
            attendee.delete_instance()
            audit("library.attendee_removed", object_type="training_session",
                  object_id=session.id, team_id=session.team_id, detail=f"attendee={attendee_id}")
        flash("Taken off the register.", "success")  # no name: it goes in the cookie
    return redirect(url_for("library.session", session_id=session.id) + "#register")


@bp.route("/sessions/<int:session_id>/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_register(session_id: int):
    """Add attendees from a CSV file: every row is checked; one bad row imports nothing."""
    session = get_session(session_id)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            data = read_upload(form.file.data, MAX_CSV_BYTES)
        except UploadRefused as refused:
            problems = [refused.message]
        else:
            result = parse_register(data)
            problems = result.errors
            if not problems:
                with writing():
                    for row in result.rows:
                        Attendee.create(session=session, **row)
                    audit("library.register_imported", object_type="training_session",
                          object_id=session.id, team_id=session.team_id,
                          detail=f"rows={len(result.rows)}")
                flash(f"{len(result.rows)} attendee(s) added from the file.", "success")
                return redirect(url_for("library.session", session_id=session.id) + "#register")
        form.file.errors = list(form.file.errors or []) + (
            ["The file was not imported: correct the rows listed and upload it again"]
            if len(problems) > 1 or (problems and problems[0].startswith("Row")) else problems)
    return render("library/import.html", title=f"Import attendees: {session.title}",
                  session=session, form=form, problems=problems)


@bp.route("/sessions/<int:session_id>/register.csv")
@role_required(*EDITORS)
def export_register(session_id: int):
    """The attendance register as a CSV file."""
    session = get_session(session_id)
    attendees = list(session.attendees())
    with writing():
        audit("library.register_exported", object_type="training_session", object_id=session.id,
              team_id=session.team_id, detail=f"rows={len(attendees)}")
    name = safe_download_name(f"Register {session.date:%Y-%m-%d} {session.title}.csv")
    return Response(register_csv(attendees), mimetype="text/csv",
                    headers={"Content-Disposition": content_disposition(name),
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/sessions/<int:session_id>/attendees/<int:attendee_id>/certificate.docx")
@role_required(*EDITORS)
def certificate(session_id: int, attendee_id: int):
    """One attendee's certificate of attendance (Word)."""
    session = get_session(session_id)
    attendee = get_attendee(session, attendee_id)
    if not certificates.available() or not attendee.attended:
        abort(404)
    data = certificates.certificate_docx(session, attendee)
    with writing():
        audit("library.certificate_made", object_type="training_session", object_id=session.id,
              team_id=session.team_id, detail=f"attendee={attendee.id}")
    return Response(data, mimetype=DOCX_TYPE, headers={
        "Content-Disposition": content_disposition(certificates.certificate_name(session, attendee)),
        "X-Content-Type-Options": "nosniff"})


@bp.route("/sessions/<int:session_id>/certificates.zip")
@role_required(*EDITORS)
def all_certificates(session_id: int):
    """A certificate for everyone who attended, in one zip file."""
    session = get_session(session_id)
    attended = [a for a in session.attendees() if a.attended]
    if not certificates.available() or not attended:
        abort(404)
    data = certificates.certificates_zip(session, attended)
    with writing():
        audit("library.certificates_made", object_type="training_session", object_id=session.id,
              team_id=session.team_id, detail=f"count={len(attended)}")
    name = safe_download_name(f"Certificates {session.date:%Y-%m-%d} {session.title}.zip")
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff"})
