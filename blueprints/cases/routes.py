"""Case-work screens: find and register people, the person page with its timeline,
referrals (hearings, triage, status, sharing), notes and amendments, needs, follow-ups.

Every view is for caseworkers (practitioners, coordinators, managers); another team's
person or referral is a 404 on every route (see case_access.py)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from peewee import IntegrityError, fn

from models.accounts import Membership, Team, User
from models.audit import AuditEvent
from models.base import update_if_version, utcnow, writing
from models.follow_ups import FollowUp, left_behind, london_today, working_teams
from models.needs import (LEVEL_COLOURS, NEED_DOMAINS, NeedRating, NeedsAssessment,
                          changes_between)
from models.notes import NOTE_TYPES, CaseNote, CaseNoteAmendment
from models.people import (COMMUNICATION_NEEDS, CONSENT_SCOPES, ETHNICITIES, GENDERS,
                           HOUSING_STATUSES, OUTCOMES, SCREENING_ROUTES, SHARE_KINDS,
                           TRIAGE_RESULTS, Hearing, Person, Referral, ReferralShare,
                           StatusChangeRefused, name_key)
from models.timeline import add_timeline_event

from ..access import CASEWORKERS, MANAGERS, role_required, user_team_ids
from ..audit import audit
from ..case_access import get_on_referral_or_404, get_person_or_404, get_referral_or_404
from ..formats import format_date, format_time, local_time
from ..htmx import hx_redirect, is_partial, render
from ..record_ids import record_id
from ..timeline import link_for
from . import hooks
from .access_requests import TokenRefused, match_token, person_for_token
from .finding import (find_duplicates, find_people, hidden_exact_match, known_elsewhere,
                      parse_query, typed_names)
from .forms import (AmendForm, AssignForm, CloseForm, ConfirmForm, FollowUpChangeForm,
                    FollowUpForm, HearingChangeForm, HearingForm, NeedsForm, NoteForm,
                    PersonForm, ReferralForm, RegisterForm, ReopenForm, RequestAccessForm,
                    ShareForm, TriageForm, VacateHearingForm)
from .reads import latest_needs, open_follow_ups, open_referrals, person_referrals
from .timeline_feed import cursor_from, decode_cursor, timeline_page

bp = Blueprint("cases", __name__)
LONDON = ZoneInfo("Europe/London")
CASELOAD_PAGE = 30

LABELS = dict(genders=GENDERS, ethnicities=ETHNICITIES, housing_statuses=HOUSING_STATUSES,
              communication_needs=COMMUNICATION_NEEDS, consent_scopes=CONSENT_SCOPES,
              screening_routes=SCREENING_ROUTES, triage_results=TRIAGE_RESULTS,
              outcomes=OUTCOMES, share_kinds=SHARE_KINDS, note_types=NOTE_TYPES,
              need_domains=NEED_DOMAINS, level_colours=LEVEL_COLOURS)


# -- helpers ---------------------------------------------------------------------------

def _team_ids() -> set[int]:
    ids = user_team_ids()
    return set() if ids is None else ids


def _my_teams() -> list[Team]:
    return list(Team.select().where(Team.id.in_(sorted(_team_ids()))).order_by(fn.LOWER(Team.name)))


def _members(team_ids) -> dict[int, list[User]]:
    """Active caseworkers of each team, for 'assigned to' choices."""
    out: dict[int, list[User]] = {}
    rows = (User.select(User.id, User.name, Membership.team)
            .join(Membership, on=(Membership.user == User.id))
            .where(Membership.team.in_(sorted(team_ids)) & (User.active == True)  # noqa: E712
                   & User.role.in_(CASEWORKERS))
            .order_by(fn.LOWER(User.name)))
    for user in rows:
        out.setdefault(user.membership.team_id, []).append(user)
    return out


def _london_to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    local = dt.datetime.combine(day, time, tzinfo=LONDON)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _acting_team(referral: Referral) -> int:
    """The team a user acts for on `referral`: its own team if they are in it, otherwise
    their team it was shared with."""
    mine = _team_ids()
    if referral.team_id in mine:
        return referral.team_id
    shared = (ReferralShare.select(ReferralShare.team)
              .where((ReferralShare.referral == referral.id) & (ReferralShare.kind == "share")
                     & ReferralShare.team.in_(sorted(mine))).first())
    if shared is None:
        abort(404)
    return shared.team_id


# -- find and register -----------------------------------------------------------------

@bp.route("/people")
@role_required(*CASEWORKERS)
def index():
    """My caseload, my teams' open referrals, and the find-a-person box."""
    q = (request.args.get("q") or "").strip()[:200]
    team_ids = _team_ids()
    results, elsewhere = [], False
    if q:
        query = parse_query(q)
        if not query.is_empty:
            results = find_people(q, team_ids)
            elsewhere = known_elsewhere(q, team_ids)
        with writing():
            audit("person.searched", object_type="search",
                  detail=f"people matching a {len(q)}-character entry: {len(results)} found"
                         + (", known to another team" if elsewhere else ""))
    # The access request form shows only beside a "known to another team" hint.
    access_form = RequestAccessForm(q=q) if elsewhere else None
    # htmx asks for one of three pieces: the search results (as you type), or more of my
    # referrals or of the teams' ("Show more", which carries a cursor).
    paging = "mine_before" in request.args or "before" in request.args
    if is_partial() and not paging:
        return render("cases/index.html", "results", title="People", q=q, results=results,
                      elsewhere=elsewhere, access_form=access_form)
    mine, next_mine = _caseload_page(team_ids, "mine_before", assigned_to=current_user.id)
    if is_partial() and "mine_before" in request.args:
        return render("cases/index.html", "mine_rows_block", title="People", mine=mine,
                      next_mine=next_mine)
    team_rows, next_before = _caseload_page(team_ids, "before")
    if is_partial():
        return render("cases/index.html", "team_rows_block", title="People", team_rows=team_rows,
                      next_before=next_before)
    return render("cases/index.html", title="People", q=q, results=results, elsewhere=elsewhere,
                  access_form=access_form, mine=mine, next_mine=next_mine,
                  team_rows=team_rows, next_before=next_before)


def _caseload_page(team_ids: set[int], cursor_arg: str, assigned_to: int | None = None):
    """A page of open referrals, newest first, from the cursor in the query string
    argument `cursor_arg` (a 404 if it cannot be read), and the cursor of the next page or
    None."""
    cursor = None
    if request.args.get(cursor_arg):
        try:
            at, ref_id = request.args[cursor_arg].rsplit("_", 1)
            cursor = (dt.datetime.fromisoformat(at), record_id(ref_id))
        except ValueError:
            abort(404)
    rows = open_referrals(team_ids, CASELOAD_PAGE + 1, cursor=cursor, assigned_to=assigned_to)
    if len(rows) <= CASELOAD_PAGE:
        return rows, None
    rows = rows[:CASELOAD_PAGE]
    return rows, f"{rows[-1].received_at.isoformat(timespec='microseconds')}_{rows[-1].id}"


@bp.route("/people/request-access", methods=["POST"])
@role_required(*CASEWORKERS)
def request_access():
    """Ask for access to a record another team holds: an exact match from the search box,
    or a likely match from the registration form's duplicate check. Logged, and the
    holding team sees the request on the person's timeline."""
    form = RequestAccessForm()
    if not form.validate_on_submit():
        abort(400)
    q = (form.q.data or "")[:200]
    if form.match.data:
        try:
            person = person_for_token(form.match.data[:500])
        except TokenRefused as refused:
            flash(str(refused), "error")
            return redirect(url_for("cases.new"))
        if person is not None and Person.visible_to(_team_ids()).where(
                Person.id == person.id).exists():
            flash("Your team can already see this record.", "info")
            return redirect(url_for("cases.detail", person_id=person.id))
    else:
        person = hidden_exact_match(q, _team_ids())
    if person is None:
        flash("There is no record held by another team that matches exactly.", "info")
        return redirect(url_for("cases.index", q=q))
    latest = (Referral.select().where(Referral.person == person.id)
              .order_by(Referral.received_at.desc()).first())
    teams = ", ".join(t.name for t in _my_teams())
    with writing():
        audit("person.access_requested", object_type="person", object_id=person.id,
              person_id=person.id, team_id=latest.team_id if latest else None,
              detail=f"requested for: {teams}"[:500])
        if latest:
            add_timeline_event(latest, current_user._get_current_object(), "access_request",
                               f"{current_user.name} ({teams}) asked for access to this record")
    flash("Your request has been sent to the team that holds the record. They will contact "
          "you.", "success")
    return redirect(url_for("cases.index"))


def _register_form() -> RegisterForm:
    form = RegisterForm()
    teams = _my_teams()
    form.set_choices(teams, _members({t.id for t in teams}))
    return form


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new():
    """Register a person with their first referral, after a duplicate check."""
    form = _register_form()
    team_ids = _team_ids()
    if request.method == "GET":
        now = dt.datetime.now(LONDON)
        form.received_date.data, form.received_time.data = now.date(), now.time().replace(
            second=0, microsecond=0)
        form.screening_route.data = "reactive"
        if len(form.team.choices) == 1:
            form.team.data = form.team.choices[0][0]
        q = parse_query(request.args.get("q"))
        if q.words:
            form.given_name.data, form.family_name.data = typed_names(q)
        if q.date_of_birth:
            form.date_of_birth.data = q.date_of_birth
    matches = []
    if form.validate_on_submit():
        values = form.person_values()
        if form.team.data not in team_ids:
            abort(404)
        matches = find_duplicates(values, team_ids)
        for match in matches:
            if not match.visible:  # what its "Request access" button sends
                match.token = match_token(match.person.id)
        same_nhs = [m for m in matches if m.reason == "Same NHS number"]
        if same_nhs:
            form.nhs_number.errors.append(
                "A person with this NHS number is already registered: open their record "
                "below" if same_nhs[0].visible else
                "A person with this NHS number is already known to another team: request "
                "access below")
        elif matches and not form.confirm_new.data:
            form.form_errors.append("This person may already be registered: check the likely "
                                    "matches below")
        else:
            try:
                with writing():
                    person = Person.create(**values, created_by=current_user.id,
                                           consent_recorded_by=(current_user.id
                                                                if values["consent_scope"]
                                                                else None))
                    referral = _create_referral(person, form)
                    audit("person.created", object_type="person", object_id=person.id,
                          person_id=person.id, team_id=referral.team_id,
                          detail=f"duplicates shown: {len(matches)}")
            except IntegrityError:
                form.nhs_number.errors.append("A person with this NHS number is already "
                                              "registered")
            else:
                # no name: a message waits for the next page in the session cookie
                flash("Registered, and their referral is open.", "success")
                return hx_redirect(url_for("cases.referral", referral_id=referral.id))
    return render("cases/new.html", "register_form", title="Register a person", form=form,
                  matches=matches, access_form=RequestAccessForm(q=_access_query(form)))


def _access_query(form) -> str:
    """The search-box entry that finds the exact match of a registration form (for the
    'request access' button)."""
    if form.nhs_number.data and not form.nhs_number.errors:
        return form.nhs_number.data
    dob = form.date_of_birth.data
    return (f"{form.given_name.data or ''} {form.family_name.data or ''} "
            f"{dob.strftime('%d/%m/%Y') if dob else ''}").strip()


def _create_referral(person: Person, form) -> Referral:
    """A referral from a referral form; with its audit event (inside the caller's writing())."""
    referral = Referral.create(
        person=person, team=form.team.data,
        received_at=_london_to_utc(form.received_date.data, form.received_time.data),
        source=form.source.data, screening_route=form.screening_route.data,
        reason=form.reason.data.strip(), assigned_to=form.assigned_to.data or None,
        created_by=current_user.id)
    audit("referral.created", object_type="referral", object_id=referral.id,
          person_id=person.id, team_id=referral.team_id, detail=f"source={referral.source}")
    return referral


# -- the person page -------------------------------------------------------------------

ACCESS_LOG_ROWS = 50
PERSON_FOLLOW_UPS = 20


def _access_log(person):
    """Who has opened or changed this record: one row per user, most recent first; one
    more than ACCESS_LOG_ROWS says there are more."""
    rows = (AuditEvent.select(AuditEvent.actor, fn.MAX(AuditEvent.at).alias("last"),
                              fn.COUNT(AuditEvent.id).alias("times"))
            .where(AuditEvent.person_id == person.id)
            .group_by(AuditEvent.actor).order_by(fn.MAX(AuditEvent.at).desc())
            .limit(ACCESS_LOG_ROWS + 1))
    rows = list(rows.dicts())
    names = {u.id: u for u in User.select(User.id, User.name, User.role)
             .where(User.id.in_([r["actor"] for r in rows if r["actor"]] or [0]))}
    return [dict(r, user=names.get(r["actor"])) for r in rows]


def _note_form(person, referrals) -> NoteForm:
    form = NoteForm()
    form.referral.choices = [(r.id, f"{r.team.name}, received "
                                    f"{local_time(r.received_at):%d/%m/%Y}"
                                    + ("" if r.is_open else " (closed)")) for r in referrals]
    if request.method == "GET" or not form.referral.data:
        open_ones = [r for r in referrals if r.is_open] or referrals
        if open_ones:
            form.referral.data = open_ones[0].id
    return form


@bp.route("/people/<int:person_id>")
@role_required(*CASEWORKERS)
def detail(person_id: int):
    """The person page: details, referrals, needs, follow-ups and the timeline."""
    person = get_person_or_404(person_id)
    referrals = person_referrals(person, _team_ids())
    with writing():
        audit("person.viewed", object_type="person", object_id=person.id, person_id=person.id)
    return _person_page(person, referrals, _note_form(person, referrals))


def _person_page(person, referrals, note_form):
    """The whole person page, with `note_form` (blank, or refused and shown again)."""
    team_ids = _team_ids()
    referral_ids = [r.id for r in referrals]
    entries, next_cursor = timeline_page(person, team_ids, referral_ids=referral_ids)
    latest, latest_ratings, changes = latest_needs(person, referral_ids)
    is_manager = current_user.role == "manager"
    return render("cases/detail.html", title=person.full_name, person=person,
                  referrals=referrals, entries=entries, next_cursor=next_cursor,
                  note_form=note_form, latest=latest, latest_ratings=latest_ratings,
                  changes=changes,
                  follow_ups=open_follow_ups(referral_ids, limit=PERSON_FOLLOW_UPS + 1),
                  follow_ups_shown=PERSON_FOLLOW_UPS, access_log_shown=ACCESS_LOG_ROWS,
                  today=london_today(), access_log=_access_log(person) if is_manager else None,
                  panels=hooks.panels_for(hooks.PERSON_PANELS, person, team_ids),
                  link_for=link_for, my_team_ids=team_ids, **LABELS)


@bp.route("/people/<int:person_id>/timeline")
@role_required(*CASEWORKERS)
def timeline(person_id: int):
    """Older entries of the person's timeline (htmx 'older notes'; a page without JS)."""
    person = get_person_or_404(person_id)
    cursor = decode_cursor(request.args.get("before"))
    if cursor is None:
        abort(404)
    entries, next_cursor = timeline_page(person, _team_ids(), cursor)
    with writing():
        audit("person.timeline_viewed", object_type="person", object_id=person.id,
              person_id=person.id)
    return render("cases/timeline.html", "entries_block", title=f"{person.full_name}: timeline",
                  person=person, entries=entries, next_cursor=next_cursor, link_for=link_for,
                  my_team_ids=_team_ids(), **LABELS)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def edit(person_id: int):
    """Change a person's details (a stale form is refused, not applied)."""
    person = get_person_or_404(person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    form.kept_pnc_id = person.pnc_id
    if request.method == "GET":
        form.communication_needs.data = person.communication_need_keys
        form.consent_scope.data = person.consent_scope or ""
        form.version.data = str(person.version)
        with writing():  # the form shows every detail held, as the person page does
            audit("person.viewed", object_type="person", object_id=person.id,
                  person_id=person.id, detail="edit form")
    if form.validate_on_submit():
        values = form.person_values()
        clash = find_duplicates({"nhs_number": values["nhs_number"]}, _team_ids(),
                                exclude_id=person.id)
        if clash:
            form.nhs_number.errors.append("Another person is registered with this NHS number")
        else:
            changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
            if not changed:  # nothing to write, and nothing to audit as a change
                flash("Nothing was changed.", "info")
                return hx_redirect(url_for("cases.detail", person_id=person.id))
            if "consent_scope" in changed or "consent_date" in changed:
                values["consent_recorded_by"] = current_user.id if values["consent_scope"] else None
            values["family_key"] = name_key(values["family_name"])
            values["given_key"] = name_key(values["given_name"])
            try:
                with writing():
                    saved = update_if_version(person, int(form.version.data or 0),
                                              updated_at=utcnow(), **values)
                    if saved:
                        audit("person.changed", object_type="person", object_id=person.id,
                              person_id=person.id, detail="fields: " + ", ".join(changed))
            except IntegrityError:
                form.nhs_number.errors.append("Another person is registered with this NHS number")
            else:
                if saved:
                    flash("Changes saved.", "success")
                    return hx_redirect(url_for("cases.detail", person_id=person.id))
                person = _stale(form, person, "Someone else changed this record while you "
                                "were editing: where it now differs from what you typed is "
                                "listed below, and the form keeps what you typed. Check it, "
                                "then save again.")
                return render("cases/edit.html", title=f"Edit {person.full_name}", form=form,
                              person=person, now_differs=form.differences(person, values))
    return render("cases/edit.html", title=f"Edit {person.full_name}", form=form, person=person,
                  now_differs=None)


# -- referrals -------------------------------------------------------------------------

@bp.route("/people/<int:person_id>/referrals/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new_referral(person_id: int):
    """Open a new referral (episode) for a person the team already knows."""
    person = get_person_or_404(person_id)
    form = ReferralForm()
    teams = _my_teams()
    form.set_choices(teams, _members({t.id for t in teams}))
    if request.method == "GET":
        now = dt.datetime.now(LONDON)
        form.received_date.data = now.date()
        form.received_time.data = now.time().replace(second=0, microsecond=0)
        form.screening_route.data = "reactive"
    if form.validate_on_submit():
        if form.team.data not in _team_ids():
            abort(404)
        with writing():
            referral = _create_referral(person, form)
        flash("Referral opened.", "success")
        return hx_redirect(url_for("cases.referral", referral_id=referral.id))
    return render("cases/referral_form.html", title="Open a referral", form=form, person=person)


def _referral_context(referral: Referral) -> dict:
    person = Person.get_by_id(referral.person_id)
    team_ids = _team_ids()
    hearings = list(Hearing.select().where(Hearing.referral == referral.id)
                    .order_by(Hearing.date.desc(), Hearing.time.desc()))
    shares = list(ReferralShare.select(ReferralShare, Team.name)
                  .join(Team, on=(ReferralShare.team == Team.id), attr="to_team")
                  .where(ReferralShare.referral == referral.id).order_by(ReferralShare.shared_at))
    from_teams = {t.id: t.name for t in Team.select(Team.id, Team.name)
                  .where(Team.id.in_([s.from_team_id for s in shares] or [0]))}
    assessments = list(NeedsAssessment.select(NeedsAssessment, User.name)
                       .join(User, on=(NeedsAssessment.assessed_by == User.id), attr="assessor")
                       .where(NeedsAssessment.referral == referral.id)
                       .order_by(NeedsAssessment.assessed_at.desc()))
    follow_ups = list(FollowUp.select(FollowUp, User.name)
                      .join(User, on=(FollowUp.assigned_to == User.id), attr="assignee")
                      .where(FollowUp.referral == referral.id)
                      .order_by(FollowUp.done_at.is_null(False), FollowUp.due_date))
    teams = working_teams(referral, shares)  # the shares read above: no second query
    stranded = ({f.id for f in FollowUp.select(FollowUp.id).where(left_behind(referral, teams))}
                if any(not f.is_done for f in follow_ups) else set())
    team = Team.get_by_id(referral.team_id)
    assignee = User.get_or_none(User.id == referral.assigned_to_id) if referral.assigned_to_id else None
    hearing_form = HearingForm(formdata=None)
    triage_form = TriageForm(formdata=None, obj=referral)
    follow_up_form = FollowUpForm(formdata=None)
    follow_up_form.assigned_to.choices = _assignee_choices(referral, teams)
    follow_up_form.assigned_to.data = current_user.id
    assign_form = _assign_form(referral, formdata=None)
    assign_form.assigned_to.data = referral.assigned_to_id or 0
    assign_form.version.data = str(referral.version)
    return dict(referral=referral, person=person, team=team, assignee=assignee,
                hearings=hearings, shares=shares, from_teams=from_teams,
                assessments=assessments, follow_ups=follow_ups, stranded=stranded,
                today=london_today(),
                hearing_form=hearing_form, triage_form=triage_form,
                follow_up_form=follow_up_form, close_form=CloseForm(formdata=None),
                assign_form=assign_form,
                actions=hooks.actions_for(referral, current_user),
                panels=hooks.panels_for(hooks.REFERRAL_PANELS, referral, team_ids),
                can_share=referral.team_id in team_ids, **LABELS)


def _assignee_choices(referral, teams: list[int] | None = None) -> list[tuple[int, str]]:
    teams = set(teams or working_teams(referral))
    seen, choices = set(), []
    for users in _members(teams & (_team_ids() | {referral.team_id})).values():
        for user in users:
            if user.id not in seen:
                seen.add(user.id)
                choices.append((user.id, user.name))
    if current_user.id not in seen:
        choices.insert(0, (current_user.id, current_user.name))
    return sorted(choices, key=lambda c: c[1].lower())


@bp.route("/referrals/<int:referral_id>")
@role_required(*CASEWORKERS)
def referral(referral_id: int):
    """A referral: status, hearings, triage, needs, follow-ups and actions."""
    ref = get_referral_or_404(referral_id)
    _referral_viewed(ref)
    return render("cases/referral.html", title="Referral", **_referral_context(ref))


def _referral_viewed(ref: Referral, detail: str = "") -> None:
    """Audit a page showing the referral and whose it is (the referral page itself, or a
    form on it: `detail` says which)."""
    with writing():
        audit("referral.viewed", object_type="referral", object_id=ref.id,
              person_id=ref.person_id, team_id=ref.team_id, detail=detail)


def _stale(form, record, message: str):
    """A save refused because `record` changed since the form was loaded: the form keeps
    what was typed, takes the record's current version (so saving again, once checked,
    applies) and says why. Returns the record as it now is."""
    fresh = type(record).get_by_id(record.id)
    form.version.data = str(fresh.version)
    form.form_errors.append(message)
    return fresh


# For a page that shows the record as it now is beside the form (a hearing, a follow-up).
SHOWN_AS_NOW = ("Someone else changed this {} while you had it open: it is shown below as it "
                "is now, with what you typed. Check it, then save again.")


def _holding_team_only(ref: Referral) -> None:
    """403 unless the user is in the team that holds `ref`: a team it was shared with sees
    it and adds notes, hearings and follow-ups, but its triage, outcome (which the holding
    team reports to commissioners), assignment and onward sharing are the holder's."""
    if ref.team_id not in _team_ids():
        abort(403)


def _referral_page_with(ref, **forms):
    """The referral page again, with a refused form (without JavaScript: the whole page,
    so it is a view of the referral like any other)."""
    _referral_viewed(ref, "with a form refused")
    context = _referral_context(ref)
    context.update(forms)
    return render("cases/referral.html", title="Referral", **context)


@bp.route("/referrals/<int:referral_id>/hearings", methods=["POST"])
@role_required(*CASEWORKERS)
def add_hearing(referral_id: int):
    """Add a court hearing to a referral."""
    ref = get_referral_or_404(referral_id)
    form = HearingForm()
    if not form.validate_on_submit():
        return _referral_page_with(ref, hearing_form=form)
    with writing():
        hearing = Hearing.create(referral=ref, **form.values())
        audit("hearing.created", object_type="hearing", object_id=hearing.id,
              person_id=ref.person_id, team_id=ref.team_id)
    flash("Hearing added.", "success")
    return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#hearings")


@bp.route("/hearings/<int:hearing_id>/change", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def change_hearing(hearing_id: int):
    """Change a hearing (adjourned, moved to another day, court or room), with the reason;
    or, from the same page, vacate it. Either team working the referral may, as either
    may add one."""
    hearing, ref = get_on_referral_or_404(Hearing, hearing_id)
    if hearing.is_vacated:
        flash("That hearing was vacated. If the case is listed again, add a new hearing.",
              "info")
        return redirect(url_for("cases.referral", referral_id=ref.id) + "#hearings")
    form = HearingChangeForm(obj=hearing if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data, form.reason.data = str(hearing.version), ""
        _referral_viewed(ref, "hearing change form")
    if form.validate_on_submit():
        values = form.values()
        changed = [k for k, v in values.items() if getattr(hearing, k) != v]
        if not changed:
            form.form_errors.append("Nothing was changed: change the date, time, court, room "
                                    "or purpose, or go back to the referral")
        else:
            saved = _write_hearing(hearing, ref, form.version.data, "changed",
                                   "Hearing changed: now {line}. Reason: "
                                   + form.reason.data.strip(),
                                   detail="fields: " + ", ".join(changed), **values)
            if saved:
                flash("Hearing changed.", "success")
                return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#hearings")
            hearing = _stale(form, hearing, SHOWN_AS_NOW.format("hearing"))
    return _hearing_page(hearing, ref, form=form)


@bp.route("/hearings/<int:hearing_id>/vacate", methods=["POST"])
@role_required(*CASEWORKERS)
def vacate_hearing(hearing_id: int):
    """Vacate a hearing (taken out of the list), with the reason. It stays on the referral,
    marked; today's hearings, court lists and letters no longer count it."""
    hearing, ref = get_on_referral_or_404(Hearing, hearing_id)
    form = VacateHearingForm()
    if hearing.is_vacated:
        flash("That hearing was already vacated.", "info")
        return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#hearings")
    if form.validate_on_submit():
        reason = form.vacated_reason.data.strip()
        saved = _write_hearing(hearing, ref, form.version.data, "vacated",
                               "Hearing vacated: {line}. Reason: " + reason,
                               vacated_at=utcnow(), vacated_reason=reason)
        if saved:
            flash("Hearing vacated.", "success")
            return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#hearings")
        hearing = _stale(form, hearing, "Someone else changed this hearing while you had it "
                         "open: check it below, then vacate it again if it still stands.")
    return _hearing_page(hearing, ref, vacate_form=form)


def _write_hearing(hearing, ref, version, action: str, summary: str, detail: str = "",
                   **values) -> bool:
    """Save `values` on the hearing if nobody changed it since `version`; audited as
    hearing.<action>, and put on the timeline as `summary`, whose {line} is the hearing as
    it now is."""
    with writing():
        saved = update_if_version(hearing, int(version or 0), **values)
        if saved:
            audit(f"hearing.{action}", object_type="hearing", object_id=hearing.id,
                  person_id=ref.person_id, team_id=ref.team_id, detail=detail)
            add_timeline_event(ref, current_user._get_current_object(), "hearing",
                               summary.replace("{line}", _hearing_line(hearing), 1))
    return saved


def _hearing_line(hearing: Hearing) -> str:
    time = f" {format_time(hearing.time)}" if hearing.time else ""
    room = f", courtroom {hearing.courtroom}" if hearing.courtroom else ""
    return (f"{format_date(hearing.date)}{time} at {hearing.court}{room} "
            f"({hearing.purpose_label.lower()})")


def _hearing_page(hearing, ref, form=None, vacate_form=None):
    if form is None:
        form = HearingChangeForm(formdata=None, obj=hearing)
        form.version.data, form.reason.data = str(hearing.version), ""
    if vacate_form is None:
        vacate_form = VacateHearingForm(formdata=None)
        vacate_form.version.data = str(hearing.version)
    return render("cases/hearing.html", title="Change a hearing", hearing=hearing,
                  listed_now=_hearing_line(hearing), referral=ref,
                  person=Person.get_by_id(ref.person_id), form=form, vacate_form=vacate_form)


@bp.route("/referrals/<int:referral_id>/triage", methods=["POST"])
@role_required(*CASEWORKERS)
def triage(referral_id: int):
    """Record the referral to psychiatric liaison and its result."""
    ref = get_referral_or_404(referral_id)
    _holding_team_only(ref)
    form = TriageForm()
    if not form.validate_on_submit():
        return _referral_page_with(ref, triage_form=form)
    with writing():
        Referral.update(triage_date=form.triage_date.data, triage_result=form.triage_result.data,
                        version=Referral.version + 1).where(Referral.id == ref.id).execute()
        audit("referral.triaged", object_type="referral", object_id=ref.id,
              person_id=ref.person_id, team_id=ref.team_id,
              detail=f"result={form.triage_result.data}")
    flash("Triage recorded.", "success")
    return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#triage")


def _assign_form(referral, **kwargs) -> AssignForm:
    """The holding team's caseworkers, or nobody."""
    form = AssignForm(**kwargs)
    members = _members({referral.team_id}).get(referral.team_id, [])
    form.assigned_to.choices = [(0, "Not assigned")] + [(u.id, u.name) for u in members]
    return form


@bp.route("/referrals/<int:referral_id>/assign", methods=["POST"])
@role_required(*CASEWORKERS)
def assign(referral_id: int):
    """Assign the referral to a caseworker of the team that holds it (after a transfer the
    receiving team chooses its own), or to nobody."""
    ref = get_referral_or_404(referral_id)
    _holding_team_only(ref)
    form = _assign_form(ref)
    if form.validate_on_submit():
        chosen = form.assigned_to.data or None
        handed_over = []
        with writing():
            saved = update_if_version(ref, int(form.version.data), assigned_to=chosen)
            if saved:
                audit("referral.assigned", object_type="referral", object_id=ref.id,
                      person_id=ref.person_id, team_id=ref.team_id,
                      detail=f"assigned_to={chosen or 'nobody'}")
            if saved and chosen:
                handed_over = _hand_over_follow_ups(ref, chosen)
        if saved:
            flash("Assigned practitioner saved." + (
                " 1 open follow-up that nobody in the team had now goes to them too."
                if len(handed_over) == 1 else
                f" {len(handed_over)} open follow-ups that nobody in the team had now go to "
                "them too." if handed_over else ""), "success")
            return hx_redirect(url_for("cases.referral", referral_id=ref.id))
        form.form_errors.append("Someone else changed this referral while you had it open. "
                                "Check it below, then choose again.")
    ref = Referral.get_by_id(ref.id)
    form.version.data = str(ref.version)  # the choice shown stands; saving it again works
    return _referral_page_with(ref, assign_form=form)


def _hand_over_follow_ups(ref: Referral, to_user: int) -> list[int]:
    """Open follow-ups on `ref` that were left with someone no longer on its teams (after a
    transfer, the sending team's staff) go to the newly assigned practitioner; audited
    (inside the caller's writing())."""
    teams = working_teams(ref)
    ids = [f.id for f in FollowUp.select(FollowUp.id).where(left_behind(ref, teams))]
    if ids:
        # The condition is checked again as the rows are written (one done or reassigned
        # meanwhile is left alone), and the version moves on, so a change form opened
        # before is refused as stale.
        (FollowUp.update(assigned_to=to_user, version=FollowUp.version + 1)
         .where(FollowUp.id.in_(ids) & left_behind(ref, teams)).execute())
        ids = [f.id for f in FollowUp.select(FollowUp.id)
               .where(FollowUp.id.in_(ids) & (FollowUp.assigned_to == to_user))]
        for follow_up_id in ids:
            audit("follow_up.reassigned", object_type="follow_up", object_id=follow_up_id,
                  person_id=ref.person_id, team_id=ref.team_id,
                  detail=f"assigned_to={to_user}, with the referral")
    return ids


@bp.route("/referrals/<int:referral_id>/close", methods=["POST"])
@role_required(*CASEWORKERS)
def close_referral(referral_id: int):
    """Close a referral with its outcome (the model's status rules apply)."""
    ref = get_referral_or_404(referral_id)
    _holding_team_only(ref)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            ref.apply_status_change("closed", outcome=form.outcome.data,
                                    closure_reason=form.closure_reason.data.strip())
        except StatusChangeRefused as refused:
            form.form_errors.append(str(refused))
        else:
            if _write_status(ref, form.version.data, f"outcome={ref.outcome}"):
                flash("Referral closed.", "success")
                return hx_redirect(url_for("cases.referral", referral_id=ref.id))
            # Shown again with what was typed; the page carries the current version.
            form.form_errors.append("Someone else changed this referral while you had it "
                                    "open. Check it below, then close it again: what you "
                                    "typed is kept.")
    ref = Referral.get_by_id(ref.id)
    return _referral_page_with(ref, close_form=form)


@bp.route("/referrals/<int:referral_id>/reopen", methods=["POST"])
@role_required(*CASEWORKERS)
def reopen_referral(referral_id: int):
    """Reopen a closed referral (its outcome is cleared)."""
    ref = get_referral_or_404(referral_id)
    _holding_team_only(ref)
    form = ReopenForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ref.apply_status_change("open")
    except StatusChangeRefused as refused:
        flash(str(refused), "info")
        return hx_redirect(url_for("cases.referral", referral_id=ref.id))
    if _write_status(ref, form.version.data, "reopened"):
        flash("Referral reopened.", "success")
    else:
        flash("Someone else changed this referral at the same time: check it and try again.",
              "info")
    return hx_redirect(url_for("cases.referral", referral_id=ref.id))


def _write_status(ref, version, detail) -> bool:
    """Save `ref`'s new status if nobody changed it since `version` was read; audited."""
    with writing():
        saved = update_if_version(ref, int(version or 0), status=ref.status, outcome=ref.outcome,
                                  closure_reason=ref.closure_reason, closed_at=ref.closed_at)
        if saved:
            audit("referral.status_changed", object_type="referral", object_id=ref.id,
                  person_id=ref.person_id, team_id=ref.team_id,
                  detail=f"status={ref.status} {detail}")
    return saved


# -- notes -----------------------------------------------------------------------------

@bp.route("/people/<int:person_id>/notes", methods=["POST"])
@role_required(*CASEWORKERS)
def add_note(person_id: int):
    """Add a case note (htmx: the timeline updates in place; without JS: redirect)."""
    person = get_person_or_404(person_id)
    referrals = person_referrals(person, _team_ids())
    form = _note_form(person, referrals)
    if form.validate_on_submit():
        ref = next((r for r in referrals if r.id == form.referral.data), None)
        if ref is None:
            abort(404)
        with writing():
            note = CaseNote.create(person=person, referral=ref, team=_acting_team(ref),
                                   author=current_user.id, note_type=form.note_type.data,
                                   body=form.body.data)
            audit("note.created", object_type="note", object_id=note.id, person_id=person.id,
                  team_id=note.team_id, detail=f"type={note.note_type}")
        if not is_partial():
            flash("Note added.", "success")
            return redirect(url_for("cases.detail", person_id=person.id) + f"#note-{note.id}")
        form = _note_form(person, referrals)
        form.body.data, form.note_type.data = "", "contact"
        form.referral.data = ref.id
        added = True
    else:
        added = False
        if not is_partial():  # the whole person page again: a view of the record
            with writing():
                audit("person.viewed", object_type="person", object_id=person.id,
                      person_id=person.id, detail="with a note refused")
            return _person_page(person, referrals, form)
    entries, next_cursor = timeline_page(person, _team_ids(), referral_ids=[r.id for r in referrals])
    return render("cases/detail.html", "timeline", person=person, entries=entries,
                  next_cursor=next_cursor, note_form=form, note_added=added, link_for=link_for,
                  my_team_ids=_team_ids(), referrals=referrals, **LABELS)


def _get_note_or_404(note_id: int) -> CaseNote:
    """A note the current user may read (its referral visible; safeguarding: own team)."""
    team_ids = _team_ids()
    note = (CaseNote.visible_to(team_ids).where(CaseNote.id == note_id).first())
    if note is None:
        abort(404)
    return note


def _note_with_names(note_id: int) -> CaseNote:
    author = User.alias()
    return (CaseNote.select(CaseNote, author.id, author.name, Team.id, Team.name)
            .join(author, on=(CaseNote.author == author.id), attr="author")
            .switch(CaseNote).join(Team, on=(CaseNote.team == Team.id), attr="team")
            .where(CaseNote.id == note_id).get())


@bp.route("/notes/<int:note_id>/history")
@role_required(*CASEWORKERS)
def note_history(note_id: int):
    """Every earlier text of an amended note, with who amended it, when and why."""
    note = _get_note_or_404(note_id)
    amendments = list(CaseNoteAmendment.select(CaseNoteAmendment, User.name)
                      .join(User, on=(CaseNoteAmendment.amended_by == User.id), attr="by")
                      .where(CaseNoteAmendment.note == note.id)
                      .order_by(CaseNoteAmendment.amended_at, CaseNoteAmendment.id))
    with writing():
        audit("note.history_viewed", object_type="note", object_id=note.id,
              person_id=note.person_id, team_id=note.team_id)
    return render("cases/note_history.html", "history", title="Note history",
                  note=_note_with_names(note.id), amendments=amendments, **LABELS)


@bp.route("/notes/<int:note_id>/amend", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def amend_note(note_id: int):
    """Correct a note (its author or a manager of its team), giving a reason; the earlier
    text is kept."""
    note = _get_note_or_404(note_id)
    if not note.may_be_amended_by(current_user, _team_ids()):
        abort(403)
    # Prefixed: the amend form opens inside the person page, beside the add-note form.
    form = AmendForm(prefix="amend")
    if request.method == "GET":
        form.body.data, form.version.data = note.body, str(note.version)
        with writing():  # it can be opened without the person page: a view of the note
            audit("note.viewed", object_type="note", object_id=note.id,
                  person_id=note.person_id, team_id=note.team_id, detail="amend form")
    if form.validate_on_submit():
        new_body = form.body.data
        if new_body == note.body:
            form.body.errors.append("The corrected note is the same as the current one")
        else:
            previous = note.body
            with writing():
                # A tampered version is as stale as an old one: refused, never a 500.
                expected = int(form.version.data) if (form.version.data or "").isdecimal() else 0
                saved = update_if_version(note, expected, body=new_body,
                                          amended_at=utcnow(),
                                          amendment_count=CaseNote.amendment_count + 1)
                if saved:
                    CaseNoteAmendment.create(note=note.id, previous_body=previous,
                                             new_body=new_body, reason=form.reason.data.strip(),
                                             amended_by=current_user.id)
                    audit("note.amended", object_type="note", object_id=note.id,
                          person_id=note.person_id, team_id=note.team_id)
            if saved:
                if is_partial():
                    return render("cases/amend.html", "amended", note=_note_with_names(note.id),
                                  link_for=link_for, my_team_ids=_team_ids(), **LABELS)
                flash("Note amended. The earlier text is kept in its history.", "success")
                return redirect(url_for("cases.detail", person_id=note.person_id)
                                + f"#note-{note.id}")
            # Their text is shown beside what was typed; saving again applies it over
            # theirs, as the user has seen it.
            note = _stale(form, note, "Someone else amended this note while you were "
                          "editing. Their text is shown below; check yours against it, then "
                          "save again.")
            return render("cases/amend.html", "amend_form", title="Amend a note",
                          note=_note_with_names(note.id), form=form, current_text=note.body,
                          **LABELS)
    return render("cases/amend.html", "amend_form", title="Amend a note",
                  note=_note_with_names(note.id), form=form, **LABELS)


@bp.route("/notes/<int:note_id>")
@role_required(*CASEWORKERS)
def note(note_id: int):
    """One note as it appears on the timeline (htmx: 'cancel' on the amend form)."""
    found = _get_note_or_404(note_id)
    if not is_partial():
        return redirect(url_for("cases.detail", person_id=found.person_id) + f"#note-{found.id}")
    with writing():  # it can be asked for without the person page: a view of the note
        audit("note.viewed", object_type="note", object_id=found.id, person_id=found.person_id,
              team_id=found.team_id)
    return render("cases/amend.html", "amended", note=_note_with_names(found.id),
                  link_for=link_for, my_team_ids=_team_ids(), **LABELS)


# -- needs -----------------------------------------------------------------------------

def _ratings_of(assessment_ids) -> dict[int, dict]:
    out: dict[int, dict] = {a: {} for a in assessment_ids}
    for rating in NeedRating.select().where(NeedRating.assessment.in_(list(assessment_ids) or [0])):
        out[rating.assessment_id][rating.domain] = rating
    return out


@bp.route("/referrals/<int:referral_id>/needs", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def record_needs(referral_id: int):
    """Record a needs assessment (or a reassessment: it starts from the latest one, which
    is kept)."""
    ref = get_referral_or_404(referral_id)
    person = Person.get_by_id(ref.person_id)
    form = NeedsForm()
    previous = (NeedsAssessment.select().where(NeedsAssessment.referral == ref.id)
                .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc()).first())
    if request.method == "GET" and previous:
        for domain, rating in _ratings_of([previous.id])[previous.id].items():
            form[f"{domain}_level"].data = rating.level
            form[f"{domain}_note"].data = rating.note
        with writing():  # a reassessment form shows the last assessment's answers
            audit("needs.viewed", object_type="needs_assessment", object_id=previous.id,
                  person_id=ref.person_id, team_id=ref.team_id, detail="reassessment form")
    elif request.method == "GET":
        _referral_viewed(ref, "needs form")
    if form.validate_on_submit():
        with writing():
            assessment = NeedsAssessment.create(referral=ref, person=ref.person_id,
                                                team=_acting_team(ref),
                                                assessed_by=current_user.id)
            NeedRating.insert_many([
                {"assessment": assessment.id, "domain": key, "level": level.data,
                 "note": (note.data or "").strip()}
                for key, _label, level, note in form.domain_fields()]).execute()
            audit("needs.assessed", object_type="needs_assessment", object_id=assessment.id,
                  person_id=ref.person_id, team_id=ref.team_id,
                  detail="reassessment" if previous else "first assessment")
        flash("Needs assessment saved." + (" The earlier one is kept." if previous else ""),
              "success")
        return hx_redirect(url_for("cases.needs_assessment", assessment_id=assessment.id))
    return render("cases/needs_form.html", title="Record needs", form=form, referral=ref,
                  person=person, previous=previous, **LABELS)


@bp.route("/needs/<int:assessment_id>")
@role_required(*CASEWORKERS)
def needs_assessment(assessment_id: int):
    """One needs assessment, with what changed since the one before it on the referral."""
    assessment, ref = get_on_referral_or_404(NeedsAssessment, assessment_id)
    history = list(NeedsAssessment.select(NeedsAssessment, User.name)
                   .join(User, on=(NeedsAssessment.assessed_by == User.id), attr="assessor")
                   .where(NeedsAssessment.referral == ref.id)
                   .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc()))
    position = next(i for i, a in enumerate(history) if a.id == assessment.id)
    before = history[position + 1] if position + 1 < len(history) else None
    ratings = _ratings_of([assessment.id] + ([before.id] if before else []))
    changes = changes_between(ratings[before.id] if before else None, ratings[assessment.id])
    with writing():
        audit("needs.viewed", object_type="needs_assessment", object_id=assessment.id,
              person_id=ref.person_id, team_id=ref.team_id)
    return render("cases/needs.html", title="Needs assessment", assessment=history[position],
                  ratings=ratings[assessment.id], changes={c["domain"]: c for c in changes},
                  before=before, history=history, referral=ref,
                  person=Person.get_by_id(ref.person_id), **LABELS)


# -- follow-ups ------------------------------------------------------------------------

@bp.route("/referrals/<int:referral_id>/follow-ups", methods=["POST"])
@role_required(*CASEWORKERS)
def add_follow_up(referral_id: int):
    """Add a follow-up (what, by when, for whom) to a referral."""
    ref = get_referral_or_404(referral_id)
    form = FollowUpForm()
    form.assigned_to.choices = _assignee_choices(ref)
    if not form.validate_on_submit():
        return _referral_page_with(ref, follow_up_form=form)
    with writing():
        follow_up = FollowUp.create(referral=ref, person=ref.person_id, team=_acting_team(ref),
                                    created_by=current_user.id, **form.values())
        audit("follow_up.created", object_type="follow_up", object_id=follow_up.id,
              person_id=ref.person_id, team_id=ref.team_id)
    flash("Follow-up added.", "success")
    return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#follow-ups")


@bp.route("/follow-ups/<int:follow_up_id>/change", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def change_follow_up(follow_up_id: int):
    """Reschedule, reassign or reword an open follow-up (the teams working the referral)."""
    follow_up, ref = get_on_referral_or_404(FollowUp, follow_up_id)
    if follow_up.is_done:
        flash("That follow-up is done. Add a new one if there is more to do.", "info")
        return redirect(url_for("cases.referral", referral_id=ref.id) + "#follow-ups")
    form = FollowUpChangeForm(obj=follow_up if request.method == "GET" else None)
    form.assigned_to.choices = _assignee_choices(ref)
    if follow_up.assigned_to_id not in {c[0] for c in form.assigned_to.choices}:
        # Left with someone no longer on the referral's teams: shown, to be changed.
        holder = User.get_by_id(follow_up.assigned_to_id)
        form.assigned_to.choices.insert(0, (holder.id, f"{holder.name} (not on this "
                                                       "referral's teams)"))
    if request.method == "GET":
        form.assigned_to.data, form.version.data = follow_up.assigned_to_id, str(follow_up.version)
        _referral_viewed(ref, "follow-up change form")
    if form.validate_on_submit():
        values = form.values()
        changed = [k for k, v in values.items() if getattr(follow_up, k) != v]
        if not changed:
            flash("Nothing was changed.", "info")
            return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#follow-ups")
        with writing():
            saved = update_if_version(follow_up, int(form.version.data or 0), **values)
            if saved:
                audit("follow_up.changed", object_type="follow_up", object_id=follow_up.id,
                      person_id=ref.person_id, team_id=ref.team_id,
                      detail="fields: " + ", ".join(k.removesuffix("_id") for k in changed))
        if saved:
            flash("Follow-up changed.", "success")
            return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#follow-ups")
        follow_up = _stale(form, follow_up, SHOWN_AS_NOW.format("follow-up"))
    return render("cases/follow_up.html", title="Change a follow-up", form=form,
                  follow_up=follow_up, assignee=User.get_by_id(follow_up.assigned_to_id),
                  referral=ref, person=Person.get_by_id(ref.person_id))


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@role_required(*CASEWORKERS)
def complete_follow_up(follow_up_id: int):
    """Mark a follow-up done."""
    follow_up, ref = get_on_referral_or_404(FollowUp, follow_up_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with writing():
        done = (FollowUp.update(done_at=utcnow(), done_by=current_user.id)
                .where((FollowUp.id == follow_up.id) & FollowUp.done_at.is_null()).execute())
        if done:
            audit("follow_up.done", object_type="follow_up", object_id=follow_up.id,
                  person_id=ref.person_id, team_id=ref.team_id)
    flash("Follow-up marked done." if done else "That follow-up was already done.", "success")
    back = request.form.get("back")
    if back == "person":
        return hx_redirect(url_for("cases.detail", person_id=ref.person_id))
    return hx_redirect(url_for("cases.referral", referral_id=ref.id) + "#follow-ups")


# -- sharing and transfer --------------------------------------------------------------

@bp.route("/referrals/<int:referral_id>/share", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def share(referral_id: int):
    """Share a referral with another team, or transfer it to them (e.g. court to
    probation). The receiving team then sees the person; both teams' audit trails show it."""
    ref = get_referral_or_404(referral_id)
    _holding_team_only(ref)
    person = Person.get_by_id(ref.person_id)
    already = {s.team_id for s in ReferralShare.select(ReferralShare.team)
               .where((ReferralShare.referral == ref.id) & (ReferralShare.kind == "share"))}
    form = ShareForm()
    # A team it is shared with may still be given it by transfer.
    form.team.choices = [(t.id, t.name + (" (shared with them now)" if t.id in already else ""))
                         for t in Team.ordered() if t.id != ref.team_id]
    if request.method == "GET":
        _referral_viewed(ref, "share form")
    valid = form.validate_on_submit()
    if valid and form.kind.data == "share" and form.team.data in already:
        form.team.errors.append("This referral is already shared with that team: choose "
                                "another team, or transfer it to them")
        valid = False
    if valid:
        from_team = Team.get_by_id(ref.team_id)
        to_team = Team.get_by_id(form.team.data)
        kind, reason = form.kind.data, form.reason.data.strip()
        with writing():
            ReferralShare.create(referral=ref, team=to_team, from_team=from_team, kind=kind,
                                 reason=reason, shared_by=current_user.id)
            if kind == "transfer":
                # The new team assigns its own practitioner.
                Referral.update(team=to_team.id, assigned_to=None,
                                version=Referral.version + 1).where(Referral.id == ref.id).execute()
                ref.team = to_team
                # Their share ends: it would otherwise outlast a transfer on or back.
                (ReferralShare.update(kind="ended")
                 .where((ReferralShare.referral == ref.id) & (ReferralShare.team == to_team.id)
                        & (ReferralShare.kind == "share")).execute())
            verb = "transferred" if kind == "transfer" else "shared"
            audit(f"referral.{verb}_out", object_type="referral", object_id=ref.id,
                  person_id=ref.person_id, team_id=from_team.id, detail=f"to team {to_team.id}")
            audit(f"referral.{verb}_in", object_type="referral", object_id=ref.id,
                  person_id=ref.person_id, team_id=to_team.id, detail=f"from team {from_team.id}")
            add_timeline_event(ref, current_user._get_current_object(), kind,
                               f"Referral {verb} from {from_team.name} to {to_team.name}")
        flash(f"Referral {verb} to {to_team.name}.", "success")
        if kind == "transfer" and to_team.id not in _team_ids():
            return hx_redirect(url_for("cases.index"))
        return hx_redirect(url_for("cases.referral", referral_id=ref.id))
    return render("cases/share.html", title="Share or transfer a referral", form=form,
                  referral=ref, person=person, team=Team.get_by_id(ref.team_id))


# -- note search -----------------------------------------------------------------------

@bp.route("/people/notes")
@role_required(*CASEWORKERS)
def search_notes():
    """Search the case notes I may read; matching words are highlighted."""
    from .note_search import RESULTS, search_notes as run_search, snippet
    q = (request.args.get("q") or "").strip()[:200]
    before = request.args.get("before", type=record_id)
    notes = run_search(q, _team_ids(), before_id=before) if q else []
    if q:
        with writing():
            audit("note.searched", object_type="search",
                  detail=f"{len(q)}-character entry: {len(notes)} shown")
    more_before = notes[-1].id if len(notes) == RESULTS else None
    return render("cases/note_search.html", "note_results", title="Search case notes", q=q,
                  notes=notes, snippet=snippet, more_before=more_before,
                  cursor_from=cursor_from, **LABELS)


# -- subject access --------------------------------------------------------------------

@bp.route("/people/<int:person_id>/export.<fmt>")
@role_required(*MANAGERS)
def export(person_id: int, fmt: str):
    """Subject access: download everything Pathways holds on a person (logged)."""
    from flask import Response

    from .subject_access import gather, to_docx, to_json
    person = get_person_or_404(person_id)
    if fmt not in ("json", "docx"):
        abort(404)
    data = gather(person)
    with writing():
        audit("person.exported", object_type="person", object_id=person.id,
              person_id=person.id, detail=f"subject access export as {fmt}")
    body = to_json(data) if fmt == "json" else to_docx(data)
    mimetype = ("application/json" if fmt == "json" else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    filename = f"subject-access-{person.id}-{london_today():%Y-%m-%d}.{fmt}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
