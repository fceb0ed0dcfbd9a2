"""Referring a person to a directory service from one of their referrals, and following
the service referral to an outcome. Team scoping comes from the person's referral: another
team's service referrals are not found (404)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from models.base import writing
from models.directory import Service, find_services
from models.service_referrals import (METHODS, ServiceReferral, ServiceReferralRefused,
                                      ServiceReferralUpdate)
from models.timeline import add_timeline_event

from ..access import CASEWORKERS, role_required, user_team_ids
from ..audit import audit
from ..case_access import get_referral_or_404
from ..htmx import render
from ..timeline import register_link
from .forms import ServiceReferralForm, StatusForm
from .routes import bp

register_link("service_referral", "directory.service_referral", "service_referral_id")
CHOICES = 10


def get_service_referral_or_404(service_referral_id: int) -> ServiceReferral:
    found = (ServiceReferral.visible_to(user_team_ids())
             .where(ServiceReferral.id == service_referral_id).first())
    if found is None:
        abort(404)
    return found


def letter_link(service_referral: ServiceReferral) -> str | None:
    """Where to produce a letter for this service referral, once the letters part offers
    one (it renders its "service_referral" default template with letter_context)."""
    endpoint = "letters.service_referral_letter"
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, service_referral_id=service_referral.id)


def letter_context(service_referral: ServiceReferral) -> dict:
    """The fields a service referral letter may use."""
    referral, service = service_referral.referral, service_referral.service
    return {"person": referral.person, "referral": referral, "service": service,
            "organisation": service.organization.name, "reason": service_referral.reason,
            "method": service_referral.method_label, "sent_on": service_referral.sent_on,
            "follow_up_on": service_referral.follow_up_on, "author": current_user}


@bp.route("/referrals/<int:referral_id>/refer", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def refer(referral_id: int):
    """Refer the person on this referral to a service: find it, say why, how and when."""
    referral = get_referral_or_404(referral_id)
    form = ServiceReferralForm()
    if request.method == "GET":
        form.sent_on.data = dt.date.today()
        form.service.data = request.args.get("service", "")[:36]
    q = (request.args.get("q") or "")[:100]
    if form.validate_on_submit():
        service = form.chosen_service
        try:
            if not referral.is_open:
                raise ServiceReferralRefused("This referral is closed: reopen it to refer "
                                             "the person to a service.")
            ServiceReferral.check_dates(form.sent_on.data, form.follow_up_on.data)
        except ServiceReferralRefused as error:
            form.form_errors.append(str(error))
        else:
            with writing():
                made = ServiceReferral.create(
                    referral=referral, service=service, team=referral.team_id,
                    reason=form.reason.data.strip(), method=form.method.data,
                    sent_on=form.sent_on.data, follow_up_on=form.follow_up_on.data,
                    status="made", status_on=form.sent_on.data, created_by=current_user.id)
                ServiceReferralUpdate.create(service_referral=made, status="made",
                                             changed_on=form.sent_on.data,
                                             author=current_user.id)
                add_timeline_event(referral, current_user.id, "service_referral",
                                   f"Referred to {service.name} ({METHODS[made.method].lower()})",
                                   "service_referral", made.id)
                audit("directory.service_referral_made", object_type="service_referral",
                      object_id=made.id, person_id=referral.person_id, team_id=referral.team_id,
                      detail=f"service={service.uuid}")
            flash(f"Referral to {service.name} recorded.", "success")
            return redirect(url_for("directory.service_referral", service_referral_id=made.id))
    choices = find_services(q, per_page=CHOICES)[1] if q else []
    chosen = Service.by_uuid(form.service.data or "")
    if chosen is not None and chosen not in choices and not chosen.is_archived:
        choices.insert(0, chosen)
    return render("directory/refer.html", "choices", title="Refer to a service", form=form,
                  referral=referral, person=referral.person, q=q, choices=choices,
                  chosen=str(chosen.uuid) if chosen else "")


@bp.route("/service-referrals/<int:service_referral_id>", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def service_referral(service_referral_id: int):
    """A service referral: where it stands, its history, and recording what happened."""
    found = get_service_referral_or_404(service_referral_id)
    referral = found.referral
    form = StatusForm(service_referral=found)
    if request.method == "GET":
        form.changed_on.data = dt.date.today()
        form.version.data = str(found.version)
        with writing():
            audit("directory.service_referral_viewed", object_type="service_referral",
                  object_id=found.id, person_id=referral.person_id, team_id=referral.team_id)
    elif form.validate_on_submit():
        try:
            if str(found.version) != (form.version.data or ""):
                raise ServiceReferralRefused("Someone else updated this referral while you "
                                             "were looking at it: check its status and try "
                                             "again.")
            with writing():
                step = found.change_status(form.status.data, form.changed_on.data,
                                           (form.note.data or "").strip(), current_user.id)
                add_timeline_event(referral, current_user.id, "service_referral",
                                   f"{found.service.name}: {step.status_label.lower()}",
                                   "service_referral", found.id)
                audit("directory.service_referral_status", object_type="service_referral",
                      object_id=found.id, person_id=referral.person_id,
                      team_id=referral.team_id, detail=f"{step.from_status}->{step.status}")
        except ServiceReferralRefused as error:
            form.form_errors.append(str(error))
        else:
            flash(f"Recorded: {step.status_label.lower()}.", "success")
            return redirect(url_for("directory.service_referral",
                                    service_referral_id=found.id))
    updates = list(found.updates.order_by(ServiceReferralUpdate.id))
    return render("directory/service_referral.html", title=f"Referral to {found.service.name}",
                  found=found, referral=referral, person=referral.person, form=form,
                  updates=updates, letter_url=letter_link(found),
                  case_url=_case_url(referral))


@bp.route("/referrals/<int:referral_id>/services")
@role_required(*CASEWORKERS)
def referral_services(referral_id: int):
    """The services a referral's person has been referred to (a case page can include
    this list with htmx)."""
    referral = get_referral_or_404(referral_id)
    items = list(ServiceReferral.select(ServiceReferral, Service).join(Service)
                 .where(ServiceReferral.referral == referral)
                 .order_by(ServiceReferral.sent_on.desc(), ServiceReferral.id.desc()))
    with writing():
        audit("directory.service_referrals_listed", object_type="referral",
              object_id=referral.id, person_id=referral.person_id, team_id=referral.team_id)
    return render("directory/referral_services.html", "service_referrals",
                  title="Referrals to services", referral=referral, person=referral.person,
                  items=items, today=dt.date.today())


def _case_url(referral) -> str | None:
    """The case page of a referral, when the case-work part is installed."""
    for endpoint, argument in (("cases.referral", "referral_id"),
                               ("cases.person", "person_id")):
        if endpoint in current_app.view_functions:
            value = referral.id if argument == "referral_id" else referral.person_id
            return url_for(endpoint, **{argument: value})
    return None
