"""Pathway screens: programmes, caseloads, enrolling from a referral, an enrolment's
drivers, sessions, goals, roadmap and discharge."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from models.accounts import Membership, User
from models.base import update_if_version, utcnow, writing
from models.pathways import (DRIVERS, Enrolment, EnrolmentDriver, Goal, PathwayRefused,
                             PathwaySession, Programme, RoadmapLink, SessionProgress)
from models.people import Person

from ..access import ADMINS, CASEWORKERS, MANAGERS, role_required, user_team_ids
from ..audit import audit
from ..case_access import _int_or_404, get_referral_or_404
from ..htmx import hx_redirect, is_partial, render
from ..timeline import register_link
from . import enrolments as rules
from .forms import (CaseloadFilterForm, DischargeForm, DriverForm, GoalForm, GoalStatusForm,
                    ProgrammeChoiceForm, ProgrammeForm, RoadmapLinkForm, enrol_form_class,
                    progress_from, session_form_class)
from .roadmap_docx import (keep_roadmap, kept_roadmaps, letters_installed, render_roadmap_docx,
                           roadmap_context)
from .services import directory_installed, service_choices, service_name

bp = Blueprint("pathways", __name__)
PROGRAMME_EDITORS = MANAGERS + ADMINS

register_link("pathway_enrolment", "pathways.enrolment", "enrolment_id")


def get_enrolment_or_404(enrolment_id) -> Enrolment:
    """An enrolment on a referral one of the user's teams may see; 404 otherwise."""
    enrolment = (Enrolment.visible_to(user_team_ids())
                 .where(Enrolment.id == _int_or_404(enrolment_id)).first())
    if enrolment is None:
        abort(404)
    return enrolment


def _get_programme(programme_id) -> Programme:
    programme = Programme.get_or_none(Programme.id == _int_or_404(programme_id))
    if programme is None:
        abort(404)
    return programme


def _today() -> dt.date:
    from ..formats import LONDON
    return dt.datetime.now(LONDON).date()


# -- programmes ----------------------------------------------------------------------------

@bp.route("/pathways/")
@role_required(*CASEWORKERS)
def index():
    """The pathway programmes, with how many women each has active in my teams."""
    counts = dict(Enrolment.visible_to(user_team_ids())
                  .select(Enrolment.programme, fn.COUNT(Enrolment.id))
                  .where(Enrolment.status == "active")
                  .group_by(Enrolment.programme).tuples())
    return render_template("pathways/index.html", title="Pathways",
                           programmes=list(Programme.ordered()), counts=counts,
                           can_edit=current_user.role in PROGRAMME_EDITORS)


@bp.route("/pathways/programmes")
@role_required(*PROGRAMME_EDITORS)
def programmes():
    """Programmes to edit (managers and administrators)."""
    return render_template("pathways/programmes.html", title="Pathway programmes",
                           programmes=list(Programme.ordered()))


@bp.route("/pathways/programmes/new", methods=["GET", "POST"])
@role_required(*PROGRAMME_EDITORS)
def new_programme():
    """Add a pathway programme."""
    form = ProgrammeForm()
    if request.method == "GET":
        form.active.data = form.women_only.data = True
    if form.validate_on_submit():
        key = _programme_key(form.name.data)
        with writing():
            programme = Programme.create(key=key, **_programme_values(form))
            audit("pathways.programme_created", object_type="programme", object_id=programme.id)
        flash(f"{programme.name} added.", "success")
        return redirect(url_for("pathways.programmes"))
    return render_template("pathways/programme_form.html", title="Add a programme", form=form,
                           programme=None)


@bp.route("/pathways/programmes/<int:programme_id>", methods=["GET", "POST"])
@role_required(*PROGRAMME_EDITORS)
def edit_programme(programme_id: int):
    """Change a programme's eligibility, session limit or driver cap."""
    programme = _get_programme(programme_id)
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(programme.version)
    if form.validate_on_submit():
        with writing():
            saved = update_if_version(programme, int(form.version.data or 0),
                                      updated_at=utcnow(), **_programme_values(form))
            if saved:
                audit("pathways.programme_changed", object_type="programme",
                      object_id=programme.id)
        if saved:
            flash(f"{programme.name} saved.", "success")
            return redirect(url_for("pathways.programmes"))
        programme = _get_programme(programme_id)
        form = ProgrammeForm(obj=programme, formdata=None)
        form.version.data = str(programme.version)
        form.form_errors.append("Someone else changed this programme while you were editing. "
                                "The form now shows their changes: check and save again.")
    return render_template("pathways/programme_form.html", title=f"Edit {programme.name}",
                           form=form, programme=programme)


def _programme_values(form) -> dict:
    return dict(name=form.name.data.strip(), description=(form.description.data or "").strip(),
                eligibility="\n".join(line.strip() for line in
                                      (form.eligibility.data or "").splitlines() if line.strip()),
                session_limit=form.session_limit.data, driver_cap=form.driver_cap.data,
                women_only=bool(form.women_only.data), active=bool(form.active.data))


def _programme_key(name: str) -> str:
    import re
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30] or "programme"
    key, n = base, 1
    while Programme.select().where(Programme.key == key).exists():
        n += 1
        key = f"{base}_{n}"
    return key


# -- caseload ------------------------------------------------------------------------------

@bp.route("/pathways/<int:programme_id>/caseload")
@role_required(*CASEWORKERS)
def caseload(programme_id: int):
    """Who is on a pathway in my teams: sessions used, next session, drivers, last contact."""
    programme = _get_programme(programme_id)
    form = CaseloadFilterForm(request.args)
    form.validate()
    today = _today()
    next_session = (PathwaySession.select(PathwaySession.enrolment,
                                          fn.MIN(PathwaySession.planned_on).alias("next_on"))
                    .where((PathwaySession.status == "planned")
                           & (PathwaySession.planned_on >= today))
                    .group_by(PathwaySession.enrolment).alias("next_session"))
    used = (PathwaySession.select(PathwaySession.enrolment,
                                  fn.COUNT(PathwaySession.id).alias("used"))
            .where(PathwaySession.status == "attended")
            .group_by(PathwaySession.enrolment).alias("used_sessions"))
    query = (Enrolment.visible_to(user_team_ids())
             .select(Enrolment, Person.given_name, Person.family_name, Person.preferred_name,
                     User.name, next_session.c.next_on, used.c.used)
             .join(Person, on=(Enrolment.person == Person.id))
             .join_from(Enrolment, User, JOIN.LEFT_OUTER, on=(Enrolment.worker == User.id))
             .join_from(Enrolment, next_session, JOIN.LEFT_OUTER,
                        on=(next_session.c.enrolment_id == Enrolment.id))
             .join_from(Enrolment, used, JOIN.LEFT_OUTER, on=(used.c.enrolment_id == Enrolment.id))
             .where(Enrolment.programme == programme))
    status = form.status.data or "active"
    if status != "all":
        query = query.where(Enrolment.status == status)
    if form.q.data:
        q = form.q.data.strip().lower()
        query = query.where(fn.LOWER(Person.given_name).contains(q)
                            | fn.LOWER(Person.family_name).contains(q)
                            | fn.LOWER(Person.preferred_name).contains(q))
    if form.driver.data:
        query = query.where(Enrolment.id.in_(
            EnrolmentDriver.select(EnrolmentDriver.enrolment)
            .where(EnrolmentDriver.driver == form.driver.data)))
    if form.worker.data == "me":
        query = query.where(Enrolment.worker == current_user.id)
    if form.quiet.data in ("14", "28"):
        query = query.where(Enrolment.last_contact_on
                            < today - dt.timedelta(days=int(form.quiet.data)))
    rows = list(query.order_by(Enrolment.last_contact_on.asc(nulls="first"), Person.family_name)
                .limit(500).objects())
    drivers: dict[int, list[str]] = {}
    if rows:
        for d in EnrolmentDriver.select().where(
                EnrolmentDriver.enrolment.in_([r.id for r in rows])).order_by(EnrolmentDriver.id):
            drivers.setdefault(d.enrolment_id, []).append(DRIVERS.get(d.driver, d.driver))
    audit("pathways.caseload_viewed", object_type="programme", object_id=programme.id,
          detail=f"{len(rows)} rows")
    return render("pathways/caseload.html", "results", title=f"{programme.name}: caseload",
                  programme=programme, form=form, rows=rows, drivers=drivers, today=today,
                  partial=is_partial())


# -- enrolling -----------------------------------------------------------------------------

@bp.route("/pathways/enrol")
@role_required(*CASEWORKERS)
def enrol_start():
    """From the pathways page: go to the enrolment form of a referral, by its number."""
    number = (request.args.get("referral") or "").strip()
    if not number.isdigit():
        flash("Enter the referral number, like 1042.", "info")
        return redirect(url_for("pathways.index"))
    referral = get_referral_or_404(number)
    return redirect(url_for("pathways.enrol", referral_id=referral.id))


@bp.route("/pathways/enrol/<int:referral_id>", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def enrol(referral_id: int):
    """Enrol her on a pathway from a referral: eligibility answers, drivers, her worker."""
    referral = get_referral_or_404(referral_id)
    programmes = list(Programme.select().where(Programme.active == True)  # noqa: E712
                      .order_by(Programme.name))
    choice = ProgrammeChoiceForm(request.args if request.method == "GET" else request.form)
    choice.programme.choices = [("", "Choose a pathway")] + [(str(p.id), p.name)
                                                             for p in programmes]
    programme = next((p for p in programmes if str(p.id) == (choice.programme.data or "")), None)
    form = None
    if request.method == "GET":
        audit("pathways.enrol_form_viewed", object_type="referral", object_id=referral.id,
              person_id=referral.person_id, team_id=referral.team_id)
    if programme is not None:
        form = enrol_form_class(programme, current_user.role == "manager")()
        workers = (User.select().join(Membership)
                   .where((Membership.team == referral.team_id) & (User.active == True)  # noqa: E712
                          & User.role.in_(CASEWORKERS)).distinct().order_by(User.name))
        form.worker.choices = [(u.id, u.name) for u in workers]
        if request.method == "GET":
            form.worker.data = current_user.id
        if request.method == "POST" and form.validate_on_submit():
            answers = [getattr(form, f"criterion_{n}").data == "yes"
                       for n in range(len(programme.criteria))]
            worker = User.get_or_none(User.id == form.worker.data) if form.worker.data else None
            if worker is not None and worker.id not in {c[0] for c in form.worker.choices}:
                worker = None
            try:
                enrolment = rules.enrol(programme, referral, answers, form.drivers.data or [],
                                        current_user._get_current_object(), worker=worker,
                                        override_reason=form.override_reason.data or "")
            except PathwayRefused as refused:
                form.form_errors.append(str(refused))
            else:
                flash(f"She is enrolled on {programme.name}.", "success")
                return redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id))
    return render_template("pathways/enrol.html", title="Enrol on a pathway", referral=referral,
                           person=referral.person, choice=choice, programme=programme, form=form)


# -- an enrolment --------------------------------------------------------------------------

def _enrolment_page(enrolment, *, driver_form=None, session_form=None, goal_form=None,
                    link_form=None, status=200, message=None):
    programme = enrolment.programme
    drivers = list(enrolment.drivers.order_by(EnrolmentDriver.id))
    keys = [d.driver for d in drivers]
    sessions = list(enrolment.sessions.order_by(PathwaySession.planned_on.desc(),
                                                PathwaySession.id.desc()))
    progress: dict[int, list] = {}
    if sessions:
        for p in SessionProgress.select().where(
                SessionProgress.session.in_([s.id for s in sessions])):
            progress.setdefault(p.session_id, []).append(p)
    goals = list(enrolment.goals.order_by(Goal.id))
    attended = sum(1 for s in sessions if s.status == "attended")
    booked = sum(1 for s in sessions if s.status == "planned")
    driver_form = driver_form or DriverForm()
    driver_form.driver.choices = [("", "Choose a driver")] + [
        (k, v) for k, v in DRIVERS.items() if k not in keys]
    session_form = session_form or session_form_class(keys)(formdata=None)
    if session_form.planned_on.data is None:
        session_form.planned_on.data = _today()
    goal_form = goal_form or GoalForm(formdata=None)
    goal_form.driver.choices = [("", "Choose")] + [(k, DRIVERS[k]) for k in keys]
    link_form = link_form or RoadmapLinkForm(formdata=None)
    link_form.service.choices = [("", "Not from the directory")] + service_choices(
        programme.women_only)
    audit("pathways.enrolment_viewed", object_type="enrolment", object_id=enrolment.id,
          person_id=enrolment.person_id, team_id=enrolment.team_id)
    response = render("pathways/enrolment.html", None, status=status,
                      title=f"{enrolment.person.full_name}: {programme.name}",
                      enrolment=enrolment, programme=programme, person=enrolment.person,
                      drivers=drivers, sessions=sessions, progress=progress, goals=goals,
                      attended=attended, booked=booked, left=enrolment.sessions_left(),
                      driver_form=driver_form, session_form=session_form, goal_form=goal_form,
                      goal_status_form=GoalStatusForm(formdata=None), link_form=link_form,
                      links=list(enrolment.roadmap.order_by(RoadmapLink.id)),
                      discharge_form=DischargeForm(formdata=None, version=str(enrolment.version)),
                      message=message, directory=directory_installed(), today=_today(),
                      can_change=enrolment.is_active)
    return response


@bp.route("/pathways/enrolments/<int:enrolment_id>")
@role_required(*CASEWORKERS)
def enrolment(enrolment_id: int):
    """Her pathway: drivers, sessions used and left, goals, roadmap and discharge."""
    return _enrolment_page(get_enrolment_or_404(enrolment_id))


def _refused(enrolment, message, **forms):
    """Show the enrolment page again with the rule's message (nothing was saved)."""
    return _enrolment_page(enrolment, message=message, **forms)


@bp.route("/pathways/enrolments/<int:enrolment_id>/drivers", methods=["POST"])
@role_required(*CASEWORKERS)
def add_driver(enrolment_id: int):
    """Add a driver of offending (the programme's cap is enforced)."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = DriverForm()
    form.driver.choices = [("", "Choose a driver")] + list(DRIVERS.items())
    if not form.validate_on_submit():
        return _refused(enrolment, None, driver_form=form)
    try:
        rules.add_driver(enrolment, form.driver.data, current_user._get_current_object())
    except PathwayRefused as refused:
        form.driver.errors = [str(refused)]
        return _refused(enrolment, str(refused), driver_form=form)
    flash(f"{DRIVERS[form.driver.data]} added.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#drivers")


@bp.route("/pathways/enrolments/<int:enrolment_id>/drivers/<driver>/remove", methods=["POST"])
@role_required(*CASEWORKERS)
def remove_driver(enrolment_id: int, driver: str):
    """Stop working on a driver."""
    enrolment = get_enrolment_or_404(enrolment_id)
    try:
        rules.remove_driver(enrolment, driver, current_user._get_current_object())
    except PathwayRefused as refused:
        return _refused(enrolment, str(refused))
    flash(f"{DRIVERS.get(driver, driver)} removed.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#drivers")


@bp.route("/pathways/enrolments/<int:enrolment_id>/sessions", methods=["POST"])
@role_required(*CASEWORKERS)
def add_session(enrolment_id: int):
    """Plan a session or record one that happened (the session limit is enforced)."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = session_form_class(enrolment.driver_keys())()
    if not form.validate_on_submit():
        return _refused(enrolment, None, session_form=form)
    try:
        rules.add_session(enrolment, form.planned_on.data, form.status.data,
                          (form.notes.data or "").strip(), current_user._get_current_object(),
                          progress_from(form))
    except PathwayRefused as refused:
        form.form_errors.append(str(refused))
        return _refused(enrolment, str(refused), session_form=form)
    flash("Session saved.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#sessions")


@bp.route("/pathways/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def session(session_id: int):
    """Record what happened at a session: attended, did not attend or cancelled."""
    row = PathwaySession.get_or_none(PathwaySession.id == session_id)
    if row is None:
        abort(404)
    enrolment = get_enrolment_or_404(row.enrolment_id)
    keys = enrolment.driver_keys()
    form_class = session_form_class(keys)
    if request.method == "GET":
        form = form_class(obj=row)
        form.version.data = str(row.version)
        for p in row.progress:
            if p.driver in keys:
                getattr(form, f"progress_{p.driver}").data = p.level
                getattr(form, f"note_{p.driver}").data = p.note
    else:
        form = form_class()
    if form.validate_on_submit():
        try:
            saved = rules.update_session(row, form.version.data, form.planned_on.data,
                                         form.status.data, (form.notes.data or "").strip(),
                                         current_user._get_current_object(), progress_from(form))
        except PathwayRefused as refused:
            form.form_errors.append(str(refused))
        else:
            if saved:
                flash("Session saved.", "success")
                return redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id)
                                + "#sessions")
            row = PathwaySession.get_by_id(row.id)
            form = form_class(obj=row, formdata=None)
            form.version.data = str(row.version)
            form.form_errors.append("Someone else saved this session while you were editing. "
                                    "The form now shows their changes: check and save again.")
    audit("pathways.session_viewed", object_type="pathway_session", object_id=row.id,
          person_id=enrolment.person_id, team_id=enrolment.team_id)
    return render_template("pathways/session.html", title="Session", form=form, row=row,
                           enrolment=enrolment, person=enrolment.person)


@bp.route("/pathways/enrolments/<int:enrolment_id>/goals", methods=["POST"])
@role_required(*CASEWORKERS)
def add_goal(enrolment_id: int):
    """Add a goal for one of her drivers."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = GoalForm()
    form.driver.choices = [("", "Choose")] + [(k, DRIVERS[k]) for k in enrolment.driver_keys()]
    if not form.validate_on_submit():
        return _refused(enrolment, None, goal_form=form)
    try:
        rules.add_goal(enrolment, form.driver.data, form.text.data.strip(),
                       current_user._get_current_object())
    except PathwayRefused as refused:
        return _refused(enrolment, str(refused), goal_form=form)
    flash("Goal added.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#goals")


@bp.route("/pathways/goals/<int:goal_id>", methods=["POST"])
@role_required(*CASEWORKERS)
def goal_status(goal_id: int):
    """Change where a goal has got to."""
    goal = Goal.get_or_none(Goal.id == goal_id)
    if goal is None:
        abort(404)
    enrolment = get_enrolment_or_404(goal.enrolment_id)
    form = GoalStatusForm()
    if not form.validate_on_submit():
        return _refused(enrolment, "Choose where the goal has got to from the list.")
    try:
        saved = rules.set_goal_status(goal, form.version.data, form.status.data,
                                      current_user._get_current_object())
    except PathwayRefused as refused:
        return _refused(enrolment, str(refused))
    if not saved:
        return _refused(enrolment, "Someone else changed this goal first: here it is as it "
                                   "is now.")
    flash("Goal updated.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#goals")


@bp.route("/pathways/enrolments/<int:enrolment_id>/roadmap", methods=["POST"])
@role_required(*CASEWORKERS)
def add_link(enrolment_id: int):
    """Add a link to her roadmap: picked from the directory, or written in."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = RoadmapLinkForm()
    form.service.choices = [("", "Not from the directory")] + service_choices(
        enrolment.programme.women_only)
    if not form.validate_on_submit():
        return _refused(enrolment, None, link_form=form)
    service_id = int(form.service.data) if form.service.data else None
    name = (service_name(service_id) if service_id else None) or (form.name.data or "").strip()
    if not name:
        form.name.errors = ["Choose a service from the directory or write its name"]
        return _refused(enrolment, None, link_form=form)
    try:
        rules.add_roadmap_link(enrolment, form.category.data, name,
                               (form.details.data or "").strip(),
                               current_user._get_current_object(), service_id=service_id)
    except PathwayRefused as refused:
        return _refused(enrolment, str(refused), link_form=form)
    flash("Added to her roadmap.", "success")
    return hx_redirect(url_for("pathways.enrolment", enrolment_id=enrolment.id) + "#roadmap")


@bp.route("/pathways/enrolments/<int:enrolment_id>/discharge", methods=["POST"])
@role_required(*CASEWORKERS)
def discharge(enrolment_id: int):
    """Discharge her with her roadmap."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = DischargeForm()
    if not form.validate_on_submit():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        return _refused(enrolment, message)
    try:
        saved = rules.discharge(enrolment, form.version.data, form.summary.data.strip(),
                                current_user._get_current_object())
    except PathwayRefused as refused:
        return _refused(enrolment, str(refused))
    if not saved:
        return _refused(get_enrolment_or_404(enrolment_id),
                        "Someone else changed this enrolment first: here it is as it is now.")
    flash("She has been discharged. Her roadmap is ready to print or download.", "success")
    return hx_redirect(url_for("pathways.roadmap", enrolment_id=enrolment.id))


@bp.route("/pathways/enrolments/<int:enrolment_id>/roadmap")
@role_required(*CASEWORKERS)
def roadmap(enrolment_id: int):
    """Her discharge roadmap, ready to print, with the Word documents made of it."""
    enrolment = get_enrolment_or_404(enrolment_id)
    audit("pathways.roadmap_viewed", object_type="enrolment", object_id=enrolment.id,
          person_id=enrolment.person_id, team_id=enrolment.team_id)
    return render_template("pathways/roadmap.html", title="Roadmap", enrolment=enrolment,
                           kept=kept_roadmaps(enrolment), **roadmap_context(enrolment))


@bp.route("/pathways/enrolments/<int:enrolment_id>/roadmap.docx", methods=["POST"])
@role_required(*CASEWORKERS)
def roadmap_docx(enrolment_id: int):
    """Make her roadmap as a Word document from the "discharge roadmap" letter template
    and keep it on her referral with the letters; without letters, download a plain one."""
    enrolment = get_enrolment_or_404(enrolment_id)
    me = current_user._get_current_object()
    if letters_installed():
        from ..letters.engine import RenderProblem
        try:
            document = keep_roadmap(enrolment, me)
        except RenderProblem as exc:
            flash(f"The roadmap could not be made: {exc.message} Ask a manager to check the "
                  "discharge roadmap template.", "important")
            return hx_redirect(url_for("pathways.roadmap", enrolment_id=enrolment.id))
        flash("Her roadmap is kept on her case with the letters. Download it here.", "success")
        return hx_redirect(url_for("letters.document", document_id=document.id))
    body = render_roadmap_docx(enrolment, me)
    with writing():
        audit("pathways.roadmap_downloaded", object_type="enrolment", object_id=enrolment.id,
              person_id=enrolment.person_id, team_id=enrolment.team_id)
    from flask import Response
    filename = f"roadmap-{enrolment.id}.docx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
