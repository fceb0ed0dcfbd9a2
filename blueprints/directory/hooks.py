"""Where the directory plugs into other parts: a "Refer to a service" button and service
referral sections on the case pages, the subject access export, and the letters'
`service_referrals` fields. Registered once, when the blueprint is imported."""
from __future__ import annotations

from models.directory import Service
from models.prepared import prepared, team_list
from models.service_referrals import (SERVICE_REFERRAL_STATUSES, ServiceReferral,
                                      ServiceReferralUpdate)


def _with_service(query):
    """Service referrals with their service, newest first."""
    return (query.select(ServiceReferral, Service).join(Service)
            .order_by(ServiceReferral.sent_on.desc(), ServiceReferral.id.desc()))


def _rows(query):
    return list(_with_service(query))


@prepared
def _seen_by(person, teams):
    from models.people import Referral
    return _with_service(ServiceReferral.visible_to(teams).where(
        ServiceReferral.referral.in_(Referral.select(Referral.id)
                                     .where(Referral.person == person))))


def person_panel(person, team_ids):
    """Services the person has been referred to, on referrals these teams may see."""
    rows = _seen_by(person=person.id, teams=team_list(team_ids))
    if not rows:
        return None
    return ("Referrals to services", "directory/_service_referrals_panel.html", {"rows": rows})


def referral_panel(referral, team_ids):
    """Services referred to on this referral (the page already checked the team)."""
    rows = _rows(ServiceReferral.select().where(ServiceReferral.referral == referral))
    return ("Referrals to services", "directory/_service_referrals_panel.html",
            {"rows": rows, "referral": referral})


def subject_access(person):
    """Every service referral of the person, for a subject access request."""
    from models.people import Referral
    rows = _rows(ServiceReferral.select().where(ServiceReferral.referral.in_(
        Referral.select(Referral.id).where(Referral.person == person))))
    if not rows:
        return None
    return ("Referrals to services", [
        {"service": r.service.name, "organisation": r.service.organization.name,
         "sent_on": r.sent_on.isoformat(), "method": r.method_label,
         "reason": r.reason, "status": r.status_label,
         "history": [{"status": u.status_label, "on": u.changed_on.isoformat(), "note": u.note}
                     for u in r.updates.order_by(ServiceReferralUpdate.id)]}
        for r in rows])


def letter_values(referral) -> dict:
    """The letters' service_referrals list for a referral."""
    from ..formats import format_date
    rows = _rows(ServiceReferral.select().where(ServiceReferral.referral == referral))
    return {"service_referrals": [
        {"service": r.service.name, "organisation": r.service.organization.name,
         "referred_on": format_date(r.sent_on),
         "status": SERVICE_REFERRAL_STATUSES.get(r.status, r.status)} for r in rows]}


def register() -> None:
    try:
        from ..cases import hooks as case_hooks
    except ImportError:  # case work is not installed
        case_hooks = None
    if case_hooks is not None:
        action = case_hooks.ReferralAction("Refer to a service", "directory.refer", "referral_id")
        if action not in case_hooks.REFERRAL_ACTIONS:
            case_hooks.REFERRAL_ACTIONS.append(action)
        for registry, hook in ((case_hooks.PERSON_PANELS, person_panel),
                               (case_hooks.REFERRAL_PANELS, referral_panel),
                               (case_hooks.SUBJECT_ACCESS_SECTIONS, subject_access)):
            if hook not in registry:
                registry.append(hook)
    try:
        from ..letters.catalogue import register_context_source
    except ImportError:  # letters are not installed
        return
    register_context_source(letter_values)

