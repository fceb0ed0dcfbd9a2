"""The service directory: search as you type, a service's page, and adding, editing,
verifying and archiving services (coordinators and managers)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from models.base import utcnow, writing
from models.directory import (LONDON_BOROUGHS, SORTS, Address, Contact, Location, Phone,
                              Service, ServiceAtLocation, TaxonomyTerm, search_services,
                              twelve_months_before)

from ..access import role_required
from ..audit import audit
from ..htmx import hx_redirect, render
from .forms import ConfirmForm, SearchForm, ServiceForm
from .records import form_data_for, save_service_form

bp = Blueprint("directory", __name__, url_prefix="/directory")

# Everyone who works with people reads the directory; trainers point professionals to it.
READERS = ("practitioner", "coordinator", "trainer", "manager")
# Keeping the directory right is the coordinators' job (and their managers').
EDITORS = ("coordinator", "manager")
PAGE_SIZE = 20


def get_service(service_id) -> Service:
    """The service with this UUID, or 404."""
    service = Service.by_uuid(service_id)
    if service is None:
        abort(404)
    return service


def run_search(args, categories):
    """Read the search form from `args`; return (form, criteria, query)."""
    form = SearchForm(args, categories=categories)
    form.validate()
    q = "" if form.q.errors else (form.q.data or "").strip()
    category = next((t for t in categories if str(t.uuid) == form.category.data), None)
    borough = form.borough.data if form.borough.data in LONDON_BOROUGHS else ""
    sort = form.sort.data if form.sort.data in SORTS else "relevance"
    criteria = {"q": q, "category": str(category.uuid) if category else "", "borough": borough,
                "women": "y" if form.women.data else "", "sort": sort}
    query = search_services(q, category=category, borough=borough,
                            women_only=bool(form.women.data), sort=sort)
    return form, criteria, query


def referral_phones(services: list[Service]) -> dict[int, str]:
    """The first phone number of each service, in one query."""
    numbers: dict[int, str] = {}
    if services:
        rows = (Phone.select(Phone.service, Phone.number)
                .where(Phone.service.in_([s.id for s in services])).order_by(Phone.id).tuples())
        for service_id, number in rows:
            numbers.setdefault(service_id, number)
    return numbers


@bp.route("/")
@role_required(*READERS)
def index():
    """Find a service: search as you type, filter by category, borough and women-only."""
    categories = TaxonomyTerm.categories()
    form, criteria, query = run_search(request.args, categories)
    page = max(1, min(request.args.get("page", 1, type=int), 1000))
    total = query.count()
    services = list(query.paginate(page, PAGE_SIZE))
    kept = {k: v for k, v in criteria.items() if v and not (k == "sort" and v == "relevance")}
    pages = {"next": urlencode(dict(kept, page=page + 1)) if page * PAGE_SIZE < total else None,
             "previous": urlencode(dict(kept, page=page - 1)) if page > 1 else None}
    return render("directory/index.html", "results", title="Services", form=form,
                  services=services, total=total, q=criteria["q"], page=page, pages=pages,
                  phones=referral_phones(services),
                  stale_before=twelve_months_before(dt.date.today()),
                  can_edit=current_user.role in EDITORS)


@bp.route("/services/<uuid:service_id>")
@role_required(*READERS)
def detail(service_id):
    """A service's page: what it offers, who it is for, how to refer, where it is."""
    service = get_service(service_id)
    locations = list(Location.select().join(ServiceAtLocation)
                     .where(ServiceAtLocation.service == service).order_by(Location.id))
    addresses = {}
    for address in Address.select().where(Address.location.in_([l.id for l in locations])):
        addresses.setdefault(address.location_id, []).append(address)
    contacts = list(Contact.select().where(Contact.service == service).order_by(Contact.id))
    phones = list(Phone.select().where((Phone.service == service)
                                       | Phone.contact.in_([c.id for c in contacts]))
                  .order_by(Phone.id))
    return render("directory/detail.html", title=service.name, service=service,
                  locations=locations, addresses=addresses, contacts=contacts, phones=phones,
                  categories=service.category_terms(), boroughs=service.boroughs(),
                  can_edit=current_user.role in EDITORS, confirm=ConfirmForm(),
                  stats=_stats_for(service))


def _stats_for(service):
    """Referrals received and engaged per period, for managers (None for others)."""
    if current_user.role != "manager":
        return None
    try:
        from models.service_referrals import referral_figures
    except ImportError:  # referrals to services are not installed
        return None
    return referral_figures(service)


@bp.route("/services/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    """Add a service to the directory."""
    form = ServiceForm()
    if form.validate_on_submit():
        with writing():
            service = Service(verified_on=dt.date.today(), verified_by=current_user.id)
            save_service_form(service, form)
            audit("directory.service_created", object_type="service", object_id=service.uuid)
        flash(f"{service.name} added to the directory.", "success")
        return redirect(url_for("directory.detail", service_id=service.uuid))
    return render("directory/form.html", title="Add a service", form=form, service=None)


@bp.route("/services/<uuid:service_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(service_id):
    """Change a service's details (a stale form is refused, not applied)."""
    service = get_service(service_id)
    form = ServiceForm(data=form_data_for(service)) if request.method == "GET" else ServiceForm()
    if form.validate_on_submit():
        expected = int(form.version.data or 0) if (form.version.data or "").isdigit() else 0
        with writing():
            moved = (Service.update(version=Service.version + 1)
                     .where((Service.id == service.id) & (Service.version == expected))
                     .execute())
            if moved:
                service.version = expected + 1
                save_service_form(service, form)
                audit("directory.service_changed", object_type="service",
                      object_id=service.uuid)
        if moved:
            flash(f"Changes to {service.name} saved.", "success")
            return redirect(url_for("directory.detail", service_id=service.uuid))
        service = get_service(service_id)
        form = ServiceForm(formdata=None, data=form_data_for(service))
        form.form_errors.append("Someone else changed this service while you were editing. "
                                "The form now shows their changes: check and save again.")
    return render("directory/form.html", title=f"Edit {service.name}", form=form,
                  service=service)


@bp.route("/services/<uuid:service_id>/verify", methods=["POST"])
@role_required(*EDITORS)
def verify(service_id):
    """Record that the service's details were checked today, by the current user."""
    service = get_service(service_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with writing():
            Service.update(verified_on=dt.date.today(), verified_by=current_user.id,
                           assurer_email=current_user.email, updated_at=utcnow(),
                           version=Service.version + 1).where(Service.id == service.id).execute()
            audit("directory.service_verified", object_type="service", object_id=service.uuid)
        flash(f"{service.name} marked as verified today.", "success")
    return hx_redirect(url_for("directory.detail", service_id=service.uuid))


@bp.route("/services/<uuid:service_id>/archive", methods=["POST"])
@role_required(*EDITORS)
def archive(service_id):
    """Archive a service (it stays on past referrals) or bring it back."""
    service = get_service(service_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        restoring = service.is_archived
        with writing():
            Service.update(archived_at=None if restoring else utcnow(),
                           archived_by=None if restoring else current_user.id,
                           updated_at=utcnow(), version=Service.version + 1,
                           ).where(Service.id == service.id).execute()
            audit("directory.service_restored" if restoring else "directory.service_archived",
                  object_type="service", object_id=service.uuid)
        flash(f"{service.name} " + ("is back in the directory." if restoring else
                                    "is archived: it is no longer offered in searches."),
              "success")
    return hx_redirect(url_for("directory.detail", service_id=service.uuid))


@bp.app_template_filter("highlight")
def highlight_filter(text, q):
    """Escape `text` and mark the searched words in it."""
    from models.search import highlight
    return highlight(text, q)
