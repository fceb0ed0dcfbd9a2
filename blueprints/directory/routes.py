"""The service directory: search as you type, a service's page, and adding, editing,
verifying and archiving services (coordinators and managers)."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, request,
                   url_for)
from flask_login import current_user

from models.base import utcnow, writing
from models.directory import (LONDON_BOROUGHS, SORTS, Address, Contact, DirectoryImport,
                              Location, Phone, Service, ServiceAtLocation, TaxonomyTerm,
                              find_services, twelve_months_before)
from models.directory_cache import search_results

from ..access import role_required, user_team_ids
from ..audit import audit
from ..htmx import hx_redirect, is_partial, render, render_block
from .forms import ConfirmForm, ImportForm, SearchForm, ServiceForm
from .hsds import export_organizations, used_taxonomies
from .importing import (IMPORT_MAX_BYTES, ImportRefused, apply, plan, read_upload,
                        rows_from_json, rows_to_json, summary)
from .records import form_data_for, save_service_form
from .tabular import write_package

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
    """Read the search form from `args`; return (form, criteria, filters)."""
    form = SearchForm(args, categories=categories)
    form.validate()
    q = "" if form.q.errors else (form.q.data or "").strip()
    category = next((t for t in categories if str(t.uuid) == form.category.data), None)
    borough = form.borough.data if form.borough.data in LONDON_BOROUGHS else ""
    sort = form.sort.data if form.sort.data in SORTS else "relevance"
    criteria = {"q": q, "category": str(category.uuid) if category else "", "borough": borough,
                "women": "y" if form.women.data else "", "sort": sort}
    filters = {"category": category, "borough": borough, "women_only": bool(form.women.data),
               "sort": sort}
    return form, criteria, filters


@bp.route("/")
@role_required(*READERS)
def index():
    """Find a service: search as you type, filter by category, borough and women-only."""
    # While someone types, htmx asks for the results only: the category list is needed
    # then only to read a category filter.
    wanted = not is_partial() or request.args.get("category")
    categories = TaxonomyTerm.categories() if wanted else []
    form, criteria, filters = run_search(request.args, categories)
    page = max(1, min(request.args.get("page", 1, type=int), 1000))
    stale_before = twelve_months_before(dt.date.today())
    if is_partial():
        # The results block is the same for everyone (it shows no actions), so its HTML is
        # kept until the directory changes, like the results it is drawn from.
        key = ("results block", tuple(criteria.items()), page, stale_before)
        body = search_results.get_or_compute(key, lambda: render_block(
            "directory/index.html", "results",
            **_results(criteria, filters, page, stale_before)))
        response = make_response(body)
        response.headers.add("Vary", "HX-Request")
        return response
    return render("directory/index.html", title="Services", form=form,
                  can_edit=current_user.role in EDITORS,
                  **_results(criteria, filters, page, stale_before))


def _results(criteria: dict, filters: dict, page: int, stale_before: dt.date) -> dict:
    """What the results block shows: this page of matches and links to its neighbours."""
    total, services = find_services(criteria["q"], page=page, per_page=PAGE_SIZE, **filters)
    kept = {k: v for k, v in criteria.items() if v and not (k == "sort" and v == "relevance")}
    pages = {"next": urlencode(dict(kept, page=page + 1)) if page * PAGE_SIZE < total else None,
             "previous": urlencode(dict(kept, page=page - 1)) if page > 1 else None}
    return {"services": services, "total": total, "q": criteria["q"], "page": page,
            "pages": pages, "stale_before": stale_before}


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
    return referral_figures(service, user_team_ids())


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


# -- Open Referral import and export ------------------------------------------------------

def _pending_import(token) -> DirectoryImport:
    """An import preview of the current user's (another user's is not found: 404)."""
    found = DirectoryImport.get_or_none((DirectoryImport.token == token)
                                        & (DirectoryImport.uploaded_by == current_user.id))
    if found is None:
        abort(404)
    return found


@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_file():
    """Upload an Open Referral file; see what it would change before anything changes."""
    form = ImportForm()
    status = 200
    # The size is checked before the body is parsed, so a huge upload is never read.
    if request.method == "POST" and (request.content_length or 0) > IMPORT_MAX_BYTES + 65536:
        form.form_errors.append(
            f"The file is {request.content_length / 1048576:.0f} MB: the largest file "
            f"Pathways imports is {IMPORT_MAX_BYTES // 1048576} MB. Nothing was imported.")
        status = 413
    elif form.validate_on_submit():
        try:
            file_format, services, warnings = read_upload(form.upload.data)
        except ImportRefused as error:
            form.upload.errors.append(f"{error} Nothing was imported.")
        else:
            rows = plan(services)
            counts = summary(rows)
            with writing():
                pending = DirectoryImport.create(
                    uploaded_by=current_user.id, file_format=file_format,
                    filename=(form.upload.data.filename or "")[-200:],
                    payload=json.dumps({"rows": json.loads(rows_to_json(rows)),
                                        "warnings": warnings}, ensure_ascii=False),
                    summary=", ".join(f"{n} {k}" for k, n in counts.items()))
                audit("directory.import_previewed", object_type="directory_import",
                      object_id=pending.token, detail=pending.summary)
            return redirect(url_for("directory.import_preview", token=pending.token))
    recent = list(DirectoryImport.select().where(DirectoryImport.status == "applied")
                  .order_by(DirectoryImport.id.desc()).limit(5))
    return render("directory/import.html", status=status, title="Import and export services",
                  form=form, recent=recent, max_mb=IMPORT_MAX_BYTES // 1048576)


@bp.route("/import/<uuid:token>", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_preview(token):
    """What an uploaded file would change; confirming applies it in one transaction."""
    pending = _pending_import(token)
    payload = json.loads(pending.payload)
    rows = rows_from_json(json.dumps(payload["rows"]))
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if pending.status != "pending":
            form.form_errors.append("This file has already been imported or cancelled.")
        elif request.form.get("action") == "cancel":
            with writing():
                DirectoryImport.update(status="cancelled").where(
                    DirectoryImport.id == pending.id).execute()
                audit("directory.import_cancelled", object_type="directory_import",
                      object_id=pending.token)
            flash("Import cancelled: nothing was changed.", "success")
            return redirect(url_for("directory.import_file"))
        else:
            # Checked again now: the directory may have changed since the preview.
            rows = plan([r.data for r in rows if r.data is not None]) + [
                r for r in rows if r.data is None]
            try:
                with writing():
                    done = apply(rows)
                    claimed = (DirectoryImport.update(status="applied", applied_at=utcnow())
                               .where((DirectoryImport.id == pending.id)
                                      & (DirectoryImport.status == "pending")).execute())
                    if not claimed:
                        raise ImportRefused("This file has already been imported.")
                    audit("directory.import_applied", object_type="directory_import",
                          object_id=pending.token,
                          detail=f"new={done.get('new', 0)} changed={done.get('changed', 0)}")
            except ImportRefused as error:
                form.form_errors.append(str(error))
            except Exception:  # noqa: BLE001 - any failure leaves the directory unchanged
                current_app.logger.exception("directory import failed")
                form.form_errors.append("The import failed and nothing was changed. "
                                        "Check the file and try again.")
            else:
                flash(f"Imported: {done.get('new', 0)} new and {done.get('changed', 0)} "
                      "changed services.", "success")
                return redirect(url_for("directory.index"))
    return render("directory/import_preview.html", title="Check the import", form=form,
                  pending=pending, rows=rows, counts=summary(rows),
                  warnings=payload.get("warnings", []))


@bp.errorhandler(413)
def too_large(error):
    """A file over the app's request limit: explained on the import page itself."""
    if request.endpoint != "directory.import_file":
        from ..errors import render_error
        return render_error(413)
    form = ImportForm(formdata=None)  # the body is never read
    form.form_errors.append(
        f"The file is too large: the largest file Pathways imports is "
        f"{IMPORT_MAX_BYTES // 1048576} MB. Nothing was imported.")
    return render("directory/import.html", status=413, title="Import and export services",
                  form=form, recent=[], max_mb=IMPORT_MAX_BYTES // 1048576)


@bp.route("/export.json")
@role_required(*EDITORS)
def export_json():
    """Download the directory as Open Referral UK JSON (organization_full objects)."""
    data = export_organizations()
    with writing():
        audit("directory.exported", object_type="directory", detail=f"json, {len(data)} organisations")
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return _download(body.encode("utf-8"), "application/json", "json")


@bp.route("/export.zip")
@role_required(*EDITORS)
def export_csv():
    """Download the directory as the Open Referral tabular package (a ZIP of CSV files)."""
    data = export_organizations()
    with writing():
        audit("directory.exported", object_type="directory", detail=f"csv, {len(data)} organisations")
    return _download(write_package(data, used_taxonomies(data)), "application/zip", "zip")


def _download(body: bytes, mimetype: str, extension: str):
    response = current_app.response_class(body, mimetype=mimetype)
    name = f"pathways-services-{dt.date.today().isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
