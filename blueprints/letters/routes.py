"""Letter screens: templates (managers), writing a letter on a referral, generated
documents and their downloads, and the court list."""
from __future__ import annotations

import io

import click
import mammoth
import nh3
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN, IntegrityError, fn

from models.accounts import Team, User
from models.base import writing
from models.files import read_bytes, store
from models.letters import (DOCX_TYPE, GeneratedDocument, LetterBatch, LetterTemplate,
                            TemplateVersion)
from models.people import Person, Referral

from ..access import CASEWORKERS, MANAGERS, require_team, role_required, user_team_ids, \
    visible_teams
from ..audit import audit
from ..case_access import get_referral_or_404
from ..downloads import content_disposition, send_stored_file
from ..htmx import hx_redirect, render
from ..timeline import register_link
from ..uploads import UploadRefused, check_upload, read_upload
from . import case_context  # noqa: F401  (registers what case work gives letters)
from . import catalogue, court_list, defaults, engine, pdf
from .forms import FILE_HINT, CourtListForm, LetterForm, TemplateForm, VersionForm
from .generate import free_text_used, london_today, prepared_version, write_letter

bp = Blueprint("letters", __name__, url_prefix="/letters", cli_group="letters")
register_link("letter", "letters.document", "document_id")

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
RECENT = 30
# The letter's own headings sit under the page's "Preview" heading (h2).
PREVIEW_STYLES = """
p[style-name='Title'] => h3:fresh
p[style-name='Heading 1'] => h4:fresh
p[style-name='Heading 2'] => h5:fresh
"""


# --------------------------------------------------------------------------- helpers


def _template_or_404(template_id: int) -> LetterTemplate:
    template = LetterTemplate.get_or_none(LetterTemplate.id == template_id)
    if template is None:
        abort(404)
    return template


def _version_or_404(template: LetterTemplate, version_id: int) -> TemplateVersion:
    version = TemplateVersion.get_or_none((TemplateVersion.id == version_id)
                                          & (TemplateVersion.template == template))
    if version is None:
        abort(404)
    return version


def _document_or_404(document_id: int) -> GeneratedDocument:
    """A generated document whose referral one of the user's teams may see; 404 otherwise."""
    document = (GeneratedDocument.select()
                .where((GeneratedDocument.id == document_id)
                       & Referral.visible_at(GeneratedDocument.referral, user_team_ids()))
                .first())
    if document is None:
        abort(404)
    return document


def _checked_template(form, *, previewing: bool = False):
    """The uploaded template's bytes and its parsed form after every check, or None with
    the reason on the form's file field. Nothing is stored here."""
    upload = request.files.get(form.file.name)
    if upload is None or not upload.filename:
        form.file.errors.append("Choose a Word document (.docx) to upload")
        return None
    try:
        data = read_upload(upload, max_bytes=MAX_TEMPLATE_BYTES)
        check_upload(data, allowed=("docx",), max_bytes=MAX_TEMPLATE_BYTES)
        prepared = engine.check_template(data)
    except UploadRefused as exc:
        form.file.errors.append(exc.message)
        return None
    except engine.TemplateProblem as exc:
        form.file.errors.extend(exc.message.splitlines())
        return None
    return data, prepared


def _preview_html(docx: bytes) -> Markup:
    """A rendered letter as clean HTML (mammoth), sanitised before it is shown."""
    html = mammoth.convert_to_html(io.BytesIO(docx), style_map=PREVIEW_STYLES).value
    return Markup(nh3.clean(html, url_schemes={"https", "mailto"}))


def _safe_original_name(upload_name: str) -> str:
    from ..downloads import safe_download_name
    return safe_download_name(upload_name, "template.docx")[:150]


# --------------------------------------------------------------------------- index


@bp.route("/")
@role_required(*CASEWORKERS)
def index():
    """Letters written recently in the user's teams, newest first."""
    visible = Referral.visible_to(user_team_ids()).select(Referral.id)
    documents = list(
        GeneratedDocument.select(GeneratedDocument, Person, User, TemplateVersion,
                                 LetterTemplate)
        .join(Person, on=(GeneratedDocument.person == Person.id))
        .switch(GeneratedDocument).join(User, on=(GeneratedDocument.author == User.id))
        .switch(GeneratedDocument).join(TemplateVersion).join(LetterTemplate)
        .where(GeneratedDocument.referral.in_(visible))
        .order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc())
        .limit(RECENT))
    with writing():
        audit("letters.list_viewed", detail=f"shown={len(documents)}")
    return render("letters/index.html", title="Letters", documents=documents,
                  is_manager=current_user.role in MANAGERS)


# --------------------------------------------------------------------------- templates


@bp.route("/templates")
@role_required(*MANAGERS)
def templates():
    """Every letter template with its latest version and whether it is in use."""
    rows = []
    for template in LetterTemplate.select().order_by(fn.LOWER(LetterTemplate.name)):
        rows.append((template, template.latest_version()))
    return render("letters/templates.html", title="Letter templates", rows=rows)


@bp.route("/templates/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_template():
    """Upload a new template: checked against the catalogue and rendered with sample
    data before anything is stored; 'Preview' shows it without storing."""
    form = TemplateForm()
    preview = None
    if form.validate_on_submit():
        checked = _checked_template(form)
        if checked and request.form.get("action") == "preview":
            preview = _preview_html(engine.render_prepared(checked[1],
                                                           catalogue.sample_context()))
        elif checked:
            data, _prepared = checked
            try:
                with writing():
                    template = LetterTemplate.create(name=form.name.data.strip(),
                                                     purpose=form.purpose.data,
                                                     created_by=current_user.id)
                    stored = store(data, DOCX_TYPE, "docx")
                    version = TemplateVersion.create(
                        template=template, number=1, file=stored,
                        original_name=_safe_original_name(request.files["file"].filename),
                        uploaded_by=current_user.id, note=(form.note.data or "").strip())
                    audit("letters.template_created", object_type="letter_template",
                          object_id=template.id, detail=f"version={version.id}")
            except IntegrityError:
                form.name.errors.append("A template with this name already exists")
            else:
                flash(f"Template {template.name} added.", "success")
                return redirect(url_for("letters.template", template_id=template.id))
    return render("letters/template_form.html", title="Add a letter template", form=form,
                  preview=preview, file_hint=FILE_HINT)


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def template(template_id: int):
    """A template's versions; upload a new version (checked; 'Preview' stores nothing)."""
    template = _template_or_404(template_id)
    form = VersionForm()
    preview = None
    if form.validate_on_submit():
        checked = _checked_template(form)
        if checked and request.form.get("action") == "preview":
            preview = _preview_html(engine.render_prepared(checked[1],
                                                           catalogue.sample_context()))
        elif checked:
            data, _prepared = checked
            try:
                with writing():
                    stored = store(data, DOCX_TYPE, "docx")
                    version = TemplateVersion.create(
                        template=template, number=template.next_number(), file=stored,
                        original_name=_safe_original_name(request.files["file"].filename),
                        uploaded_by=current_user.id, note=(form.note.data or "").strip())
                    audit("letters.template_version_added", object_type="letter_template",
                          object_id=template.id, detail=f"version={version.number}")
            except IntegrityError:
                form.file.errors.append("Someone else uploaded a version at the same moment. "
                                        "Check the list of versions and upload again.")
            else:
                flash(f"Version {version.number} of {template.name} uploaded.", "success")
                return redirect(url_for("letters.template", template_id=template.id))
    versions = list(TemplateVersion.select(TemplateVersion, User)
                    .join(User, JOIN.LEFT_OUTER, on=(TemplateVersion.uploaded_by == User.id))
                    .where(TemplateVersion.template == template)
                    .order_by(TemplateVersion.number.desc()))
    return render("letters/template.html", title=template.name, letter_template=template,
                  versions=versions, form=form, preview=preview, file_hint=FILE_HINT)


@bp.route("/templates/<int:template_id>/active", methods=["POST"])
@role_required(*MANAGERS)
def set_active(template_id: int):
    """Offer the template to practitioners, or stop offering it (its letters stay)."""
    template = _template_or_404(template_id)
    active = request.form.get("active") == "1"
    with writing():
        LetterTemplate.update(active=active).where(LetterTemplate.id == template.id).execute()
        audit("letters.template_changed", object_type="letter_template",
              object_id=template.id, detail=f"active={active}")
    flash(f"{template.name} is {'in use' if active else 'switched off'}.", "success")
    return hx_redirect(url_for("letters.template", template_id=template.id))


@bp.route("/templates/<int:template_id>/versions/<int:version_id>/download")
@role_required(*MANAGERS)
def download_version(template_id: int, version_id: int):
    """The template file of one version, to edit in Word."""
    template = _template_or_404(template_id)
    version = _version_or_404(template, version_id)
    with writing():
        audit("letters.template_downloaded", object_type="template_version",
              object_id=version.id)
    return send_stored_file(version.file, f"{template.name} v{version.number}.docx")


@bp.route("/templates/<int:template_id>/versions/<int:version_id>/preview")
@role_required(*MANAGERS)
def preview_version(template_id: int, version_id: int):
    """A version filled with the catalogue's sample data, shown as a web page."""
    template = _template_or_404(template_id)
    version = _version_or_404(template, version_id)
    try:
        html = _preview_html(engine.render_prepared(prepared_version(version),
                                                    catalogue.sample_context()))
        problem = None
    except (engine.TemplateProblem, engine.RenderProblem) as exc:
        html, problem = None, exc.message
    return render("letters/preview.html", title=f"Preview: {template.name}",
                  letter_template=template, version=version, html=html, problem=problem)


@bp.route("/catalogue")
@role_required(*MANAGERS)
def catalogue_page():
    """Every field a template may use, with a description and an example."""
    return render("letters/catalogue.html", title="Field catalogue",
                  groups=catalogue.CATALOGUE)


# --------------------------------------------------------------------------- writing


@bp.route("/referrals/<int:referral_id>/new", methods=["GET", "POST"])
@role_required(*CASEWORKERS)
def new(referral_id: int):
    """Write a letter on a referral: choose a template, check the typed text, create."""
    referral = get_referral_or_404(referral_id)
    usable = list(LetterTemplate.usable())
    form = LetterForm(templates=usable)
    chosen = None
    if request.method == "GET":
        form.template.data = request.args.get("template", "")[:12]
        prefill = catalogue.prefill_for(referral)
        prefill.update(_service_referral_prefill(referral, request.args.get("service_referral")))
        for name, value in prefill.items():
            getattr(form, name).data = value
    if form.template.data and form.template.data.isdigit():
        chosen = next((t for t in usable if t.id == int(form.template.data)), None)
    version = chosen.latest_version() if chosen else None
    if request.method == "POST" and form.validate_on_submit() and version is not None:
        free_text = {name: getattr(form, name).data or "" for name in
                     ("summary", "recommendations", "other", "recipient")}
        try:
            with writing():
                document = write_letter(referral, version, current_user._get_current_object(),
                                        free_text)
        except engine.RenderProblem as exc:
            form.form_errors.append(f"The letter could not be made: {exc.message} "
                                    "Ask a manager to check the template.")
        else:
            flash("Letter created and kept on the case.", "success")
            return hx_redirect(url_for("letters.document", document_id=document.id))
    fields = [group.name for group in free_text_used(version)] if version else []
    documents = list(GeneratedDocument.select(GeneratedDocument, User)
                     .join(User, on=(GeneratedDocument.author == User.id))
                     .where(GeneratedDocument.referral == referral)
                     .order_by(GeneratedDocument.created_at.desc()))
    with writing():
        audit("letters.write_viewed", object_type="referral", object_id=referral.id,
              person_id=referral.person_id, team_id=referral.team_id)
    return render("letters/new.html", "letter_fields",
                  title=f"Write a letter for {referral.person.full_name}",
                  referral=referral, person=referral.person, form=form, chosen=chosen,
                  fields=fields, documents=documents, hints=_field_hints(),
                  referral_url=_referral_url(referral.id))


def _service_referral_prefill(referral, service_referral_id) -> dict:
    """Recipient and reason of one of this referral's service referrals, when asked for."""
    if not (service_referral_id or "").isdigit():
        return {}
    try:
        from models.service_referrals import ServiceReferral
    except ImportError:
        return {}
    found = ServiceReferral.get_or_none((ServiceReferral.id == int(service_referral_id))
                                        & (ServiceReferral.referral == referral))
    return case_context.service_referral_prefill(found) if found else {}


@bp.route("/service-referrals/<int:service_referral_id>")
@role_required(*CASEWORKERS)
def service_referral_letter(service_referral_id: int):
    """A letter for a referral to a directory service: the letter form, addressed to the
    service and starting from the reason given (the directory links here)."""
    from models.service_referrals import ServiceReferral
    found = (ServiceReferral.visible_to(user_team_ids())
             .where(ServiceReferral.id == service_referral_id).first())
    if found is None:
        abort(404)
    template = LetterTemplate.for_purpose("service_referral")
    return redirect(url_for("letters.new", referral_id=found.referral_id,
                            template=template.id if template else None,
                            service_referral=found.id))


def _field_hints() -> dict:
    """What to type in each field of the letter form."""
    return {
        "summary": "Your summary of the assessment and findings. It starts with the latest "
                   "assessment's summary where there is one: check it and edit it.",
        "recommendations": "One recommendation a line; each becomes a bullet point.",
        "other": "Anything else the reader needs to know. Leave it blank if there is nothing.",
        "recipient": "Name and address of who the letter is to, one line each.",
    }


@bp.route("/documents/<int:document_id>")
@role_required(*CASEWORKERS)
def document(document_id: int):
    """A generated letter: who made it, from which template version, and its downloads."""
    document = _document_or_404(document_id)
    with writing():
        audit("letters.document_viewed", object_type="generated_document",
              object_id=document.id, person_id=document.person_id, team_id=document.team_id)
    return render("letters/document.html", title=document.file_name, document=document,
                  version=document.template_version, pdf_available=pdf.pdf_available(),
                  referral_url=_referral_url(document.referral_id))


def _referral_url(referral_id: int) -> str:
    """The referral's page (case work), or the letter page when case work is not installed."""
    from flask import current_app
    if "cases.referral" in current_app.view_functions:
        return url_for("cases.referral", referral_id=referral_id)
    return url_for("letters.new", referral_id=referral_id)


@bp.route("/documents/<int:document_id>/download")
@role_required(*CASEWORKERS)
def download(document_id: int):
    """The letter exactly as it was made (DOCX)."""
    document = _document_or_404(document_id)
    with writing():
        audit("letters.document_downloaded", object_type="generated_document",
              object_id=document.id, person_id=document.person_id, team_id=document.team_id,
              detail="docx")
    return send_stored_file(document.file, document.file_name)


@bp.route("/documents/<int:document_id>/pdf")
@role_required(*CASEWORKERS)
def download_pdf(document_id: int):
    """The letter as PDF, when LibreOffice is installed; otherwise says so."""
    document = _document_or_404(document_id)
    try:
        data = pdf.convert_to_pdf(read_bytes(document.file))
    except pdf.PdfUnavailable as exc:
        flash(exc.message, "important")
        return redirect(url_for("letters.document", document_id=document.id))
    with writing():
        audit("letters.document_downloaded", object_type="generated_document",
              object_id=document.id, person_id=document.person_id, team_id=document.team_id,
              detail="pdf")
    # The PDF is a copy made on request: the DOCX is the record, so the PDF is not stored.
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(
        document.file_name.rsplit(".", 1)[0] + ".pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- court list


@bp.route("/court-list", methods=["GET", "POST"])
@role_required(*MANAGERS)
def court_list_page():
    """Choose a team, a letter and a day: see who is listed, then make every letter."""
    teams = list(visible_teams())
    usable = list(LetterTemplate.usable())
    if request.method == "POST":
        form = CourtListForm(teams=teams, templates=usable)
    else:  # choosing and looking is a GET: bookmarkable, no token needed
        form = CourtListForm(request.args or None, teams=teams, templates=usable,
                             meta={"csrf": False})
    if request.method == "GET" and not request.args:
        form.day.data = london_today()
        court = LetterTemplate.for_purpose("court_report")
        if court:
            form.template.data = str(court.id)
    hearings = []
    ready = form.validate() if (request.method == "POST" or request.args) else False
    if ready:
        team_id = int(form.team.data)
        require_team(team_id)
        hearings = court_list.listed(team_id, form.day.data)
        if request.method == "POST":
            if not hearings:
                form.form_errors.append("No one is listed for that team on that day.")
            else:
                template = LetterTemplate.get_by_id(int(form.template.data))
                version = template.latest_version()
                with writing():
                    batch = court_list.start_batch(Team.get_by_id(team_id), version,
                                                   form.day.data, current_user.id)
                    audit("letters.court_list_started", object_type="letter_batch",
                          object_id=batch.id, team_id=team_id,
                          detail=f"letters={batch.total} template_version={version.id}")
                court_list.launch(batch.id)
                return hx_redirect(url_for("letters.batch", batch_id=batch.id))
        else:
            with writing():
                audit("letters.court_list_viewed", team_id=team_id,
                      detail=f"day={form.day.data.isoformat()} listed={len(hearings)}")
    batches = list(LetterBatch.select().where(LetterBatch.requested_by == current_user.id)
                   .order_by(LetterBatch.id.desc()).limit(5))
    return render("letters/court_list.html", title="Court list letters", form=form,
                  hearings=hearings, ready=ready, batches=batches)


def _batch_or_404(batch_id: int) -> LetterBatch:
    batch = LetterBatch.get_or_none(LetterBatch.id == batch_id)
    if batch is None:
        abort(404)
    require_team(batch.team_id)
    return batch


@bp.route("/court-list/jobs/<int:batch_id>")
@role_required(*MANAGERS)
def batch(batch_id: int):
    """A court-list job's progress (htmx polls the progress block until it is done)."""
    batch = _batch_or_404(batch_id)
    if court_list.is_stale(batch):
        LetterBatch.update(status="failed", error="The job stopped (the server restarted). "
                                                  "Start it again.").where(
            LetterBatch.id == batch.id).execute()
        batch = LetterBatch.get_by_id(batch.id)
    return render("letters/batch.html", "progress", title="Court list letters", batch=batch)


@bp.route("/court-list/jobs/<int:batch_id>/download")
@role_required(*MANAGERS)
def download_batch(batch_id: int):
    """The zip of every letter the job made."""
    batch = _batch_or_404(batch_id)
    if batch.status != "done" or batch.file_id is None:
        abort(404)
    with writing():
        audit("letters.court_list_downloaded", object_type="letter_batch", object_id=batch.id,
              team_id=batch.team_id, detail=f"letters={batch.done}")
    return send_stored_file(batch.file, court_list.zip_name(batch))


# --------------------------------------------------------------------------- CLI


@bp.cli.command("install-defaults")
def install_defaults_command():
    """Add Pathways' standard letter templates that are missing (safe to run again)."""
    from models.base import db
    with db.connection_context():
        added = defaults.install_defaults()
    click.echo(f"Added {len(added)} template(s)" + (": " + ", ".join(added) if added else
                                                    " (all were already installed)"))



