"""The housing placements board: every unit and the waiting list on one screen, changed
inline with htmx (or by plain form posts without JavaScript), refreshed for others by
polling; the unit history, the figures, and adding properties."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user
from peewee import JOIN

from models.accounts import Team, User
from models.base import writing
from models.housing import (DESTINATIONS, PRIORITIES, HousingEvent, Placement, Property, Unit,
                            WaitingEntry)
from models.people import Person

from ..access import require_team, role_required, user_team_ids, visible_teams
from ..audit import audit
from ..case_access import _int_or_404, get_referral_or_404
from ..htmx import is_partial, render
from . import figures as figures_sql
from . import placements
from .forms import (EntryChangeForm, FiguresForm, MoveInForm, MoveOnForm, OfferForm,
                    PropertyForm, UnitChangeForm, WaitingEntryForm)
from .routes import _today, bp

BOARD_RUNNERS = ("coordinator", "manager")


def _get_unit(unit_id) -> Unit:
    unit = (Unit.select(Unit, Property).join(Property)
            .where(Unit.id == _int_or_404(unit_id)).first())
    if unit is None:
        abort(404)
    require_team(unit.building.team_id)
    return unit


def _get_entry(entry_id) -> WaitingEntry:
    entry = WaitingEntry.get_or_none(WaitingEntry.id == _int_or_404(entry_id))
    if entry is None:
        abort(404)
    require_team(entry.team_id)
    return entry


def referral_url(referral_id) -> str | None:
    """The case-work page of a referral, when case work is installed."""
    if "cases.referral" in current_app.view_functions:
        return url_for("cases.referral", referral_id=referral_id)
    return None


def board_context(notice: str | None = None, notice_unit: int | None = None) -> dict:
    """Everything the board shows, in four queries however many units and women there
    are: the properties; every unit with who last changed it and its open placement (her
    name and referral); the waiting list; the newest history id."""
    team_ids = user_team_ids()
    props = Property.select().order_by(Property.name)
    if team_ids is not None:
        props = props.where(Property.team.in_(sorted(team_ids)))
    props = list(props)
    units = []
    if props:
        changer = User.alias()
        # A unit has at most one open placement (a unique index), so no row repeats.
        units = list(
            Unit.select(Unit, changer.id, changer.name, Placement, Person,
                        WaitingEntry.id, WaitingEntry.referral)
            .join(changer, JOIN.LEFT_OUTER, on=(Unit.updated_by == changer.id),
                  attr="changer")
            .switch(Unit)
            .join(Placement, JOIN.LEFT_OUTER,
                  on=((Placement.unit == Unit.id) & Placement.ended_at.is_null()),
                  attr="open_placement")
            .join(Person, JOIN.LEFT_OUTER, on=(Placement.person == Person.id))
            .join_from(Placement, WaitingEntry, JOIN.LEFT_OUTER,
                       on=(Placement.waiting_entry == WaitingEntry.id))
            .where(Unit.building.in_([p.id for p in props]))
            .order_by(Unit.building, Unit.label))
    units_by_property: dict[int, list] = {}
    open_by_unit, changers = {}, {}
    for unit in units:
        units_by_property.setdefault(unit.building_id, []).append(unit)
        if getattr(unit, "open_placement", None) is not None:
            open_by_unit[unit.id] = unit.open_placement
        if getattr(unit, "changer", None) is not None:
            changers[unit.updated_by_id] = unit.changer.name
    waiting = (WaitingEntry.select(WaitingEntry, Person)
               .join(Person, on=(WaitingEntry.person == Person.id))
               .where(WaitingEntry.status == "waiting")
               .order_by(WaitingEntry.priority, WaitingEntry.added_at))
    if team_ids is not None:
        waiting = waiting.where(WaitingEntry.team.in_(sorted(team_ids)))
    waiting = list(waiting)
    waiting_by_team: dict[int, list] = {}
    for entry in waiting:
        waiting_by_team.setdefault(entry.team_id, []).append(entry)
    today = _today()
    return {"properties": props, "units": units, "units_by_property": units_by_property,
            "open_by_unit": open_by_unit, "waiting": waiting,
            "waiting_by_team": waiting_by_team, "changers": changers, "today": today,
            "stamp": HousingEvent.latest_id(team_ids), "notice": notice,
            "notice_unit": notice_unit, "destinations": DESTINATIONS,
            "priorities": PRIORITIES, "referral_url": referral_url,
            "summary": _summary(units, waiting)}


def _summary(units, waiting) -> dict:
    """The board's counts, from what it already loaded (figures.board_summary in SQL is
    the same for the dashboard)."""
    counts = {status: 0 for status in ("vacant", "offered", "occupied", "void")}
    for unit in units:
        counts[unit.status] = counts.get(unit.status, 0) + 1
    return {"vacancies": counts["vacant"], "offers_pending": counts["offered"],
            "occupied": counts["occupied"], "void": counts["void"], "waiting": len(waiting)}


NOTICE = "board-notice"


def unit_heading(unit_id) -> str:
    """The id of a unit's row heading on the board (where focus goes after a change)."""
    return f"unit-{unit_id}-heading"


def _board(notice=None, notice_unit=None, status=200, waiting_form=None, focus=None):
    """The board page, or only its board block for htmx.

    After a change, keyboard focus goes to `focus` (the changed unit's row heading, the
    waiting list) or, for a refusal, to the notice: the element carries `autofocus`, which
    htmx honours in swapped content and the browser on a whole page without JavaScript.
    For htmx the notice is also put in the page's live region (out of band)."""
    context = board_context(notice, notice_unit)
    partial = is_partial()
    if partial:
        status = 200  # htmx swaps only successful answers
    if focus is None and notice:
        focus = NOTICE
    audit("housing.board_viewed", detail=f"{len(context['units'])} units")
    return render("pathways/board.html", "board", status=status, title="Housing board",
                  waiting_form=waiting_form or WaitingEntryForm(formdata=None), focus=focus,
                  announce=notice if partial else None, **context)


@bp.route("/housing/")
@role_required(*BOARD_RUNNERS)
def board():
    """The housing board. `since` (from polling) answers 204 when nothing has changed."""
    since = request.args.get("since", "")
    if since.isdigit() and is_partial():
        if HousingEvent.latest_id(user_team_ids()) == int(since):
            response = make_response("", 204)
            response.headers["Vary"] = "HX-Request"
            return response
    return _board()


def _done(message: str, unit_id=None, focus=None):
    """After a change: the board block for htmx (focus on what changed), a redirect for a
    plain form post."""
    if is_partial():
        return _board(notice=message, notice_unit=unit_id,
                      focus=focus or (unit_heading(unit_id) if unit_id else None))
    # The message of a plain form post waits for the next page in the session cookie, so
    # it names the unit, never the woman: nothing personal goes in the cookie.
    where = _get_unit(unit_id).label if unit_id else "The waiting list"
    flash(f"{where}: change saved. The board below shows it.", "success")
    return redirect(url_for("pathways.board"))


def _attempt(unit_id, change, focus=None):
    """Run a board change; a stale or invalid one shows the board as it is now, with why
    (focus on the message)."""
    try:
        message = change()
    except placements.Conflict as conflict:
        return _board(notice=conflict.message, notice_unit=unit_id, status=409)
    except placements.TransitionRefused as refused:
        return _board(notice=str(refused), notice_unit=unit_id, status=422)
    return _done(message, unit_id, focus)


def _form_problem(form) -> str:
    return "; ".join(e for errors in form.errors.values() for e in errors)


def _me():
    return current_user._get_current_object()


@bp.route("/housing/units/<int:unit_id>/offer", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def offer(unit_id: int):
    """Offer a vacant unit to a woman on the waiting list."""
    unit = _get_unit(unit_id)
    form = OfferForm()
    if not form.validate_on_submit():
        return _board(notice=_form_problem(form), notice_unit=unit.id, status=422)
    entry_id, entry_version = form.entry_id_and_version
    entry = _get_entry(entry_id)

    def change():
        placements.offer(unit, form.unit_version.data, entry, entry_version, _me())
        return f"{unit.label} offered to {entry.person.full_name}."
    return _attempt(unit.id, change)


def _change_unit(unit_id: int, form_class, change):
    """The steps every unit change shares: the unit (404 for another team's), the form
    (422 with the board and the problem), then `change(unit, form)` under _attempt."""
    unit = _get_unit(unit_id)
    form = form_class()
    if not form.validate_on_submit():
        return _board(notice=_form_problem(form), notice_unit=unit.id, status=422)
    return _attempt(unit.id, lambda: change(unit, form))


@bp.route("/housing/units/<int:unit_id>/move-in", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def move_in(unit_id: int):
    """Record that she moved in."""
    def change(unit, form):
        placement = placements.move_in(unit, form.unit_version.data, form.moved_in_on.data,
                                       form.expected_move_on.data, _me())
        return f"{placement.person.full_name} moved into {unit.label}."
    return _change_unit(unit_id, MoveInForm, change)


@bp.route("/housing/units/<int:unit_id>/end-offer", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def end_offer(unit_id: int):
    """The offer was not taken up (or was withdrawn): she goes back on the waiting list."""
    def change(unit, form):
        placement = placements.end_offer(unit, form.unit_version.data, _me(),
                                         form.reason.data or "declined")
        return (f"The offer of {unit.label} has ended; {placement.person.full_name} is back "
                "on the waiting list.")
    return _change_unit(unit_id, UnitChangeForm, change)


@bp.route("/housing/units/<int:unit_id>/move-on", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def move_on(unit_id: int):
    """Record that she moved on, and where to."""
    def change(unit, form):
        placement = placements.move_on(unit, form.unit_version.data, form.moved_out_on.data,
                                       form.destination.data, _me())
        return f"{placement.person.full_name} moved on from {unit.label}."
    return _change_unit(unit_id, MoveOnForm, change)


@bp.route("/housing/units/<int:unit_id>/void", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def void(unit_id: int):
    """Take a vacant unit out of use for repairs (reason=void) or bring it back (back)."""
    unit = _get_unit(unit_id)
    form = UnitChangeForm()
    if not form.validate_on_submit() or form.reason.data not in ("void", "back"):
        return _board(notice="Choose whether the unit is void or back in use.",
                      notice_unit=unit.id, status=422)

    def change():
        placements.set_void(unit, form.unit_version.data, form.reason.data == "void", _me())
        return (f"{unit.label} is void for repairs." if form.reason.data == "void"
                else f"{unit.label} is back in use.")
    return _attempt(unit.id, change)


@bp.route("/housing/waiting/<int:entry_id>/withdraw", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def withdraw(entry_id: int):
    """Take her off the waiting list."""
    entry = _get_entry(entry_id)
    form = EntryChangeForm()
    if not form.validate_on_submit():
        return _board(notice=_form_problem(form), status=422)

    def change():
        placements.withdraw(entry, form.entry_version.data, _me())
        return f"{entry.person.full_name} is no longer on the waiting list."
    return _attempt(None, change, focus="waiting-heading")


@bp.route("/housing/waiting", methods=["POST"])
@role_required(*BOARD_RUNNERS)
def add_waiting():
    """Put a woman on the waiting list, from one of her referrals."""
    form = WaitingEntryForm()
    if form.validate_on_submit():
        referral = get_referral_or_404(form.referral.data)
        try:
            entry = placements.add_to_waiting_list(referral, form.priority.data,
                                                   form.needs_summary.data.strip(), _me())
        except placements.TransitionRefused as refused:
            form.form_errors.append(str(refused))
        else:
            return _done(f"{referral.person.full_name} is on the waiting list.",
                         focus=f"waiting-{entry.id}")
    return _board(status=422, waiting_form=form)


@bp.route("/housing/waiting/from/<int:referral_id>", methods=["GET", "POST"])
@role_required(*BOARD_RUNNERS)
def waiting_from_referral(referral_id: int):
    """Put her on the waiting list from her referral page."""
    referral = get_referral_or_404(referral_id)
    form = WaitingEntryForm()
    if request.method == "GET":
        form.referral.data = referral.id
    if form.validate_on_submit():
        try:
            placements.add_to_waiting_list(referral, form.priority.data,
                                           form.needs_summary.data.strip(), _me())
        except placements.TransitionRefused as refused:
            form.form_errors.append(str(refused))
        else:
            flash("Added to the waiting list.", "success")  # no name: it goes in the cookie
            return redirect(url_for("pathways.board"))
    audit("housing.waiting_form_viewed", object_type="referral", object_id=referral.id,
          person_id=referral.person_id, team_id=referral.team_id)
    return render("pathways/waiting_form.html", None, title="Add to the waiting list",
                  form=form, referral=referral, person=referral.person,
                  referral_url=referral_url)


@bp.route("/housing/units/<int:unit_id>")
@role_required(*BOARD_RUNNERS)
def unit(unit_id: int):
    """A unit's history: every offer, move in, move on and void."""
    unit = _get_unit(unit_id)
    events = list(HousingEvent.select(HousingEvent, User.name)
                  .join(User, JOIN.LEFT_OUTER, on=(HousingEvent.by == User.id))
                  .where(HousingEvent.unit == unit).order_by(HousingEvent.id.desc()).objects())
    history = list(Placement.select(Placement, Person).join(Person)
                   .where(Placement.unit == unit).order_by(Placement.offered_at.desc()))
    audit("housing.unit_viewed", object_type="housing_unit", object_id=unit.id,
          team_id=unit.building.team_id)
    return render("pathways/unit.html", None, title=f"{unit.building.name}, {unit.label}",
                  unit=unit, events=events, history=history, today=_today(),
                  referral_url=referral_url)


@bp.route("/housing/figures")
@role_required(*BOARD_RUNNERS)
def figures():
    """Occupancy, length of stay, move-on destinations and waiting time over a period."""
    form = FiguresForm(request.args)
    form.validate()
    today = _today()
    end = form.end.data or today
    start = form.start.data or (end - dt.timedelta(days=364))
    if start > end:
        start, end = end, start
    team_ids = user_team_ids()
    audit("housing.figures_viewed", detail=f"{start}..{end}")
    return render("pathways/figures.html", None, title="Housing figures", form=form,
                  start=start, end=end,
                  occupancy=figures_sql.occupancy_rate(team_ids, start, end),
                  stay=figures_sql.average_stay_days(team_ids, start, end),
                  destinations=figures_sql.destinations(team_ids, start, end),
                  wait=figures_sql.average_wait_days(team_ids, start, end),
                  summary=figures_sql.board_summary(team_ids))


@bp.route("/housing/properties/new", methods=["GET", "POST"])
@role_required(*BOARD_RUNNERS)
def new_property():
    """Add a property run with a partner provider, and its units."""
    form = PropertyForm()
    form.team.choices = [(t.id, t.name) for t in visible_teams()]
    if form.validate_on_submit():
        require_team(form.team.data)
        labels = list(dict.fromkeys(line.strip()[:60] for line in form.units.data.splitlines()
                                    if line.strip()))
        if not labels:
            form.units.errors = ["List the units, one a line (for example Flat 1)"]
        else:
            with writing():
                prop = Property.create(name=form.name.data.strip(),
                                       address=(form.address.data or "").strip(),
                                       provider=form.provider.data.strip(),
                                       team=Team.get_by_id(form.team.data))
                for label in labels:
                    Unit.create(building=prop, label=label, updated_by=_me())
                audit("housing.property_created", object_type="property", object_id=prop.id,
                      team_id=prop.team_id, detail=f"{len(labels)} units")
            flash(f"{prop.name} added with {len(labels)} units.", "success")
            return redirect(url_for("pathways.board"))
    return render("pathways/property_form.html", None, title="Add a property", form=form)
