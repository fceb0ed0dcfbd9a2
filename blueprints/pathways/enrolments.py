"""The rules of a pathway: enrolling (eligibility, a manager's override), drivers of
offending (the programme's cap), sessions (the programme's limit), goals and discharge.

Sessions and discharges go on the case timeline as one-line summaries written from our own
labels; the notes themselves stay on the pathway page.
"""
from __future__ import annotations

import datetime as dt
import json

from peewee import IntegrityError

from models.base import update_if_version, utcnow, writing
from models.pathways import (COUNTED_STATUSES, DRIVERS, GOAL_STATUSES, PROGRESS_LEVELS,
                             ROADMAP_CATEGORIES, SESSION_STATUSES, Enrolment, EnrolmentDriver,
                             Goal, PathwayRefused, PathwaySession, Programme, RoadmapLink,
                             SessionProgress)
from models.timeline import add_timeline_event

from ..audit import audit


def _audit(action, enrolment, detail=""):
    audit(f"pathways.{action}", object_type="enrolment", object_id=enrolment.id,
          person_id=enrolment.person_id, team_id=enrolment.team_id, detail=detail)


def _check_open(enrolment: Enrolment) -> None:
    if not enrolment.is_active:
        raise PathwayRefused("This enrolment has ended (she was discharged), so it cannot "
                             "be changed.")


def driver_cap_message(programme: Programme) -> str:
    return (f"{programme.name} works on up to {programme.driver_cap} drivers of offending. "
            "Remove one before adding another.")


def check_drivers(programme: Programme, drivers: list[str]) -> None:
    unknown = [d for d in drivers if d not in DRIVERS]
    if unknown:
        raise PathwayRefused("Choose drivers of offending from the list.")
    if programme.driver_cap is not None and len(set(drivers)) > programme.driver_cap:
        raise PathwayRefused(f"{programme.name} works on up to {programme.driver_cap} drivers "
                             f"of offending: you chose {len(set(drivers))}. Choose the "
                             f"{programme.driver_cap} that matter most to her now.")


def enrol(programme: Programme, referral, answers: list[bool], drivers: list[str], user, *,
          worker=None, override_reason: str = "") -> Enrolment:
    """Enrol her on `programme` from `referral`. Every criterion must be met, unless a
    manager overrides with a reason."""
    if not programme.active:
        raise PathwayRefused(f"{programme.name} is not taking enrolments.")
    criteria = programme.criteria
    if len(answers) != len(criteria):
        raise PathwayRefused("Answer every eligibility question.")
    eligible = all(answers)
    override_reason = (override_reason or "").strip()
    if not eligible:
        if user.role != "manager":
            raise PathwayRefused("She does not meet every eligibility criterion. A manager can "
                                 "enrol her anyway, with a reason.")
        if not override_reason:
            raise PathwayRefused("Give the reason for enrolling her although she does not "
                                 "meet every criterion.")
    check_drivers(programme, drivers)
    if not referral.is_open:
        raise PathwayRefused("This referral is closed: reopen it, or enrol her from an open "
                             "referral.")
    try:
        with writing():
            enrolment = Enrolment.create(
                programme=programme, person=referral.person_id, referral=referral,
                team=referral.team_id, worker=worker or user,
                eligibility_answers=json.dumps([[c, bool(a)] for c, a in zip(criteria, answers)]),
                eligible=eligible, override_by=None if eligible else user,
                override_reason="" if eligible else override_reason, enrolled_by=user,
                last_contact_on=dt.date.today())
            for driver in dict.fromkeys(drivers):
                EnrolmentDriver.create(enrolment=enrolment, driver=driver)
            add_timeline_event(referral, user, "pathway_enrolment",
                               f"Enrolled on {programme.name}"
                               + ("" if eligible else " (manager's override)"),
                               "pathway_enrolment", enrolment.id)
            _audit("enrolled", enrolment, f"programme={programme.key} eligible={eligible}")
    except IntegrityError:
        raise PathwayRefused(f"She is already enrolled on {programme.name} from this "
                             "referral.") from None
    return enrolment


def add_driver(enrolment: Enrolment, driver: str, user) -> None:
    """Add a driver of offending, within the programme's cap."""
    _check_open(enrolment)
    if driver not in DRIVERS:
        raise PathwayRefused("Choose a driver of offending from the list.")
    with writing():
        current = enrolment.driver_keys()
        if driver in current:
            raise PathwayRefused(f"{DRIVERS[driver]} is already one of her drivers.")
        cap = enrolment.programme.driver_cap
        if cap is not None and len(current) >= cap:
            raise PathwayRefused(driver_cap_message(enrolment.programme))
        EnrolmentDriver.create(enrolment=enrolment, driver=driver)
        _audit("driver_added", enrolment, driver)


def remove_driver(enrolment: Enrolment, driver: str, user) -> None:
    """Stop working on a driver (its goals and session progress stay on record)."""
    _check_open(enrolment)
    with writing():
        deleted = (EnrolmentDriver.delete()
                   .where((EnrolmentDriver.enrolment == enrolment)
                          & (EnrolmentDriver.driver == driver)).execute())
        if not deleted:
            raise PathwayRefused("That driver is not one of hers.")
        _audit("driver_removed", enrolment, driver)


def session_limit_message(enrolment: Enrolment) -> str:
    limit = enrolment.programme.session_limit
    return (f"{enrolment.programme.name} has up to {limit} sessions and all {limit} are "
            "booked or attended. A session she did not attend, or a cancelled one, does not "
            "count: change one of those instead, or plan her discharge.")


def _check_limit(enrolment: Enrolment, adding: int = 1) -> None:
    limit = enrolment.programme.session_limit
    if limit is not None and enrolment.counted_sessions() + adding > limit:
        raise PathwayRefused(session_limit_message(enrolment))


def _save_progress(session: PathwaySession, progress: dict[str, tuple[str, str]]) -> None:
    SessionProgress.delete().where(SessionProgress.session == session).execute()
    for driver, (level, note) in progress.items():
        if not level:
            continue
        if driver not in DRIVERS or level not in PROGRESS_LEVELS:
            raise PathwayRefused("Choose progress from the list.")
        SessionProgress.create(session=session, driver=driver, level=level, note=note[:500])


def _after_session(enrolment, session, user, verb) -> None:
    if session.status == "attended":
        last = enrolment.last_contact_on
        if last is None or session.planned_on > last:
            Enrolment.update(last_contact_on=session.planned_on).where(
                Enrolment.id == enrolment.id).execute()
    add_timeline_event(enrolment.referral, user, "pathway_session",
                       f"{enrolment.programme.name} session on {session.planned_on:%d %b %Y}: "
                       f"{session.status_label.lower()}", "pathway_enrolment", enrolment.id)
    _audit(f"session_{verb}", enrolment, f"session={session.id} status={session.status}")


def add_session(enrolment: Enrolment, planned_on: dt.date, status: str, notes: str, user,
                progress: dict | None = None) -> PathwaySession:
    """Plan or record a session; the programme's session limit is enforced."""
    _check_open(enrolment)
    if status not in SESSION_STATUSES:
        raise PathwayRefused("Choose what happened from the list.")
    with writing():
        if status in COUNTED_STATUSES:
            _check_limit(enrolment)
        session = PathwaySession.create(enrolment=enrolment, planned_on=planned_on,
                                        status=status, notes=notes, recorded_by=user)
        _save_progress(session, _only_her_drivers(enrolment, progress or {}))
        _after_session(enrolment, session, user, "added")
    return session


def update_session(session: PathwaySession, version, planned_on: dt.date, status: str,
                   notes: str, user, progress: dict | None = None) -> bool:
    """Record what happened at a planned session. False when someone else saved it first."""
    enrolment = session.enrolment
    _check_open(enrolment)
    if status not in SESSION_STATUSES:
        raise PathwayRefused("Choose what happened from the list.")
    with writing():
        if status in COUNTED_STATUSES and session.status not in COUNTED_STATUSES:
            _check_limit(enrolment)
        if not update_if_version(session, int(version or 0), planned_on=planned_on,
                                 status=status, notes=notes, recorded_by=user,
                                 updated_at=utcnow()):
            return False
        _save_progress(session, _only_her_drivers(enrolment, progress or {}))
        _after_session(enrolment, session, user, "updated")
    return True


def _only_her_drivers(enrolment, progress: dict) -> dict:
    drivers = set(enrolment.driver_keys())
    return {d: v for d, v in progress.items() if d in drivers}


def add_goal(enrolment: Enrolment, driver: str, text: str, user) -> Goal:
    _check_open(enrolment)
    if driver not in enrolment.driver_keys():
        raise PathwayRefused("Choose one of her drivers for this goal.")
    with writing():
        goal = Goal.create(enrolment=enrolment, driver=driver, text=text, created_by=user)
        _audit("goal_added", enrolment, f"goal={goal.id}")
    return goal


def set_goal_status(goal: Goal, version, status: str, user) -> bool:
    _check_open(goal.enrolment)
    if status not in GOAL_STATUSES:
        raise PathwayRefused("Choose where the goal has got to from the list.")
    with writing():
        saved = update_if_version(goal, int(version or 0), status=status, updated_at=utcnow())
        if saved:
            _audit("goal_changed", goal.enrolment, f"goal={goal.id} status={status}")
    return saved


def add_roadmap_link(enrolment: Enrolment, category: str, name: str, details: str, user,
                     service_id: int | None = None) -> RoadmapLink:
    if category not in ROADMAP_CATEGORIES:
        raise PathwayRefused("Choose what kind of link this is from the list.")
    with writing():
        link = RoadmapLink.create(enrolment=enrolment, category=category, name=name,
                                  details=details, service_id=service_id, created_by=user)
        _audit("roadmap_link_added", enrolment, f"category={category}")
    return link


def discharge(enrolment: Enrolment, version, summary: str, user) -> bool:
    """End the enrolment; the roadmap stays with her record. False when stale."""
    _check_open(enrolment)
    with writing():
        saved = update_if_version(enrolment, int(version or 0), status="discharged",
                                  discharged_at=utcnow(), discharged_by=user,
                                  discharge_summary=summary)
        if saved:
            add_timeline_event(enrolment.referral, user, "pathway_discharge",
                               f"Discharged from {enrolment.programme.name} with a roadmap",
                               "pathway_enrolment", enrolment.id)
            _audit("discharged", enrolment)
    return saved
