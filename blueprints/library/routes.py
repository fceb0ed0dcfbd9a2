"""The library: search and filters, guides with their versions, quick-reference sheets.

Every signed-in member of staff may read and download; trainers and managers edit.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from peewee import IntegrityError, fn

from models.base import update_if_version, utcnow, writing
from models.files import StoredFile, store
from models.library import (AUDIENCES, GUIDE_TEXT, SHEET_TEXT, TOPICS, Guide, GuideVersion,
                            QuickSheet, ShareLink, join_keys)
from models.search import highlight

from ..access import role_required, signed_in
from ..audit import audit
from ..downloads import send_stored_file
from ..htmx import render
from ..uploads import UploadRefused, check_upload, pdf_thumbnail, read_upload
from .forms import ConfirmForm, GuideForm, NewGuideForm, SearchForm, SheetForm, VersionForm
from .rich_text import render_markdown

bp = Blueprint("library", __name__, url_prefix="/library")
bp.add_app_template_filter(highlight, "highlight")

# Who edits the library; every signed-in user reads it.
EDITORS = ("trainer", "manager")
RESULTS = 50


def is_editor() -> bool:
    return current_user.is_authenticated and current_user.role in EDITORS


def max_upload_bytes() -> int:
    return int(current_app.config.get("LIBRARY_MAX_UPLOAD_MB", 15)) * 1024 * 1024


def get_guide(guide_id: int) -> Guide:
    guide = Guide.get_or_none(Guide.id == guide_id)
    if guide is None:
        abort(404)
    return guide


def get_version(version_id: int) -> GuideVersion:
    """A version staff may see: drafts only for editors (404 for the others)."""
    version = (GuideVersion.select(GuideVersion, Guide).join(Guide)
               .where(GuideVersion.id == version_id).first())
    if version is None or (not version.published and not is_editor()):
        abort(404)
    return version


def get_sheet(sheet_id: int) -> QuickSheet:
    sheet = QuickSheet.get_or_none(QuickSheet.id == sheet_id)
    if sheet is None:
        abort(404)
    return sheet


# -- library page ---------------------------------------------------------------------------
def _published_exists():
    return fn.EXISTS(GuideVersion.select(GuideVersion.id).where(
        (GuideVersion.guide == Guide.id) & GuideVersion.published))


def search_library(q: str, topic: str, audience: str, editor: bool):
    """Guides and sheets matching the search words and filters, best match first."""
    guides = Guide.select()
    sheets = QuickSheet.select()
    if not editor:
        guides = guides.where(_published_exists())
    if topic:
        guides, sheets = Guide.with_topic(guides, topic), QuickSheet.with_topic(sheets, topic)
    if audience:
        guides = Guide.with_audience(guides, audience)
        sheets = QuickSheet.with_audience(sheets, audience)
    if not q.strip():
        return (list(guides.order_by(fn.LOWER(Guide.title)).limit(RESULTS)),
                list(sheets.order_by(fn.LOWER(QuickSheet.title)).limit(RESULTS)))
    return (_in_rank_order(guides, Guide.id, GUIDE_TEXT.ranked_ids(Guide.id, q)),
            _in_rank_order(sheets, QuickSheet.id, SHEET_TEXT.ranked_ids(QuickSheet.id, q)))


def _in_rank_order(query, id_field, ranked: list[int]) -> list:
    """The rows of `query` among `ranked` ids, in that order, at most RESULTS of them."""
    if not ranked:
        return []
    position = {row_id: n for n, row_id in enumerate(ranked)}
    rows = sorted(query.where(id_field.in_(ranked)), key=lambda row: position[row.id])
    return rows[:RESULTS]


def current_versions(guides) -> tuple[dict, dict]:
    """{guide id: its current version} and {guide id: downloads of all its versions}."""
    ids = [g.id for g in guides]
    current, downloads = {}, {}
    if not ids:
        return current, downloads
    rows = (GuideVersion.select(GuideVersion.id, GuideVersion.guide, GuideVersion.label,
                                GuideVersion.kind, GuideVersion.published,
                                GuideVersion.download_count)
            .where(GuideVersion.guide.in_(ids))
            .order_by(GuideVersion.uploaded_at.desc(), GuideVersion.id.desc()))
    for version in rows:
        downloads[version.guide_id] = downloads.get(version.guide_id, 0) + version.download_count
        if version.published and version.guide_id not in current:
            current[version.guide_id] = version
    return current, downloads


@bp.route("/")
@signed_in
def index():
    """The library: search as you type across guides and sheets, filter by topic and audience."""
    form = SearchForm(request.args)
    form.validate()
    q = (form.q.data or "").strip()[:100]
    topic = form.topic.data if form.topic.data in TOPICS else ""
    audience = form.audience.data if form.audience.data in AUDIENCES else ""
    guides, sheets = search_library(q, topic, audience, is_editor())
    current, downloads = current_versions(guides)
    return render("library/index.html", "results", title="Library", form=form, q=q,
                  guides=guides, sheets=sheets, current=current, downloads=downloads,
                  editor=is_editor(), filtered=bool(q or topic or audience))


# -- guides ---------------------------------------------------------------------------------
def _checked_file(form):
    """(bytes, info) of the form's upload, or None with the reason on the file field."""
    try:
        data = read_upload(form.file.data, max_upload_bytes())
        info = check_upload(data, allowed=("pdf", "docx"), max_bytes=max_upload_bytes())
    except UploadRefused as refused:
        form.file.errors = list(form.file.errors or []) + [refused.message]
        with writing():
            audit("library.upload_refused", object_type="guide", detail=refused.kind)
        return None
    return data, info


def _add_version(guide: Guide, form, data: bytes, info) -> GuideVersion:
    """Store the checked file (and a first-page thumbnail of a PDF) as a new version."""
    stored = store(data, info.content_type, info.kind)
    thumbnail = None
    if info.kind == "pdf":
        png = pdf_thumbnail(data)
        if png:
            thumbnail = store(png, "image/png", "png")
    return GuideVersion.create(
        guide=guide, label=form.label.data.strip(), changes=(form.changes.data or "").strip(),
        file=stored, thumbnail=thumbnail, kind=info.kind, pages=getattr(info, "pages", None),
        published=bool(form.published.data), uploaded_by=current_user.id, uploaded_at=utcnow())


@bp.route("/guides/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_guide():
    """Add a guide with its first version (a PDF or Word document)."""
    form = NewGuideForm()
    if request.method == "GET":
        form.label.data = "v1"
        form.published.data = True
    if form.validate_on_submit():
        checked = _checked_file(form)
        if checked:
            data, info = checked
            with writing():
                guide = Guide.create(title=form.title.data.strip(),
                                     summary=(form.summary.data or "").strip(),
                                     topics=join_keys(form.topics.data),
                                     audiences=join_keys(form.audiences.data),
                                     created_by=current_user.id)
                version = _add_version(guide, form, data, info)
                audit("library.guide_created", object_type="guide", object_id=guide.id,
                      detail=f"version={version.id} kind={info.kind} size={info.size}")
            flash(f"Guide \u201c{guide.title}\u201d added.", "success")
            return redirect(url_for("library.guide", guide_id=guide.id))
    return render("library/guide_new.html", title="Add a guide", form=form,
                  max_mb=max_upload_bytes() // (1024 * 1024))


@bp.route("/guides/<int:guide_id>")
@signed_in
def guide(guide_id: int):
    """A guide: summary, current version, and every earlier version."""
    guide = get_guide(guide_id)
    versions = list(guide.versions())
    if not is_editor():
        versions = [v for v in versions if v.published]
        if not versions:
            abort(404)
    current = next((v for v in versions if v.published), None)
    links = []
    if is_editor():
        links = list(ShareLink.select().join(GuideVersion)
                     .where(GuideVersion.guide == guide).order_by(ShareLink.created_at.desc()))
    return render("library/guide.html", title=guide.title, guide=guide, versions=versions,
                  current=current, editor=is_editor(), links=links, now=utcnow(),
                  confirm=ConfirmForm())


@bp.route("/guides/<int:guide_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_guide(guide_id: int):
    """Change a guide's title, summary, topics or audiences."""
    guide = get_guide(guide_id)
    form = GuideForm(obj=guide if request.method == "GET" else None)
    if request.method == "GET":
        form.topics.data, form.audiences.data = guide.topic_keys, guide.audience_keys
        form.version.data = str(guide.version)
    if form.validate_on_submit():
        with writing():
            saved = update_if_version(
                guide, int(form.version.data or 0), title=form.title.data.strip(),
                summary=(form.summary.data or "").strip(), topics=join_keys(form.topics.data),
                audiences=join_keys(form.audiences.data), updated_at=utcnow())
            if saved:
                audit("library.guide_changed", object_type="guide", object_id=guide.id)
        if saved:
            flash("Guide saved.", "success")
            return redirect(url_for("library.guide", guide_id=guide.id))
        guide = get_guide(guide_id)
        form = GuideForm(obj=guide, formdata=None)
        form.topics.data, form.audiences.data = guide.topic_keys, guide.audience_keys
        form.version.data = str(guide.version)
        form.form_errors.append("Someone else changed this guide while you were editing. "
                                "The form now shows their changes: check and save again.")
    return render("library/guide_edit.html", title=f"Edit {guide.title}", form=form,
                  guide=guide)


@bp.route("/guides/<int:guide_id>/versions/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_version(guide_id: int):
    """Upload a new version of a guide; earlier versions stay downloadable."""
    guide = get_guide(guide_id)
    form = VersionForm()
    if request.method == "GET":
        form.published.data = True
        form.label.data = f"v{GuideVersion.select().where(GuideVersion.guide == guide).count() + 1}"
    if form.validate_on_submit():
        taken = GuideVersion.get_or_none((GuideVersion.guide == guide)
                                         & (GuideVersion.label == form.label.data.strip()))
        if taken:
            form.label.errors = list(form.label.errors) + [
                "This guide already has a version with that name"]
        else:
            checked = _checked_file(form)
            if checked:
                data, info = checked
                try:
                    with writing():
                        version = _add_version(guide, form, data, info)
                        Guide.update(updated_at=utcnow()).where(Guide.id == guide.id).execute()
                        audit("library.version_added", object_type="guide", object_id=guide.id,
                              detail=f"version={version.id} kind={info.kind} size={info.size} "
                                     f"published={version.published}")
                except IntegrityError:
                    form.label.errors = list(form.label.errors) + [
                        "This guide already has a version with that name"]
                else:
                    flash(f"Version {version.label} added.", "success")
                    return redirect(url_for("library.guide", guide_id=guide.id))
    return render("library/version_new.html", title=f"New version of {guide.title}", form=form,
                  guide=guide, max_mb=max_upload_bytes() // (1024 * 1024))


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
@role_required(*EDITORS)
def publish_version(version_id: int):
    """Publish a draft version: it becomes the current one if it is the latest."""
    version = get_version(version_id)
    if ConfirmForm().validate_on_submit() and not version.published:
        with writing():
            GuideVersion.update(published=True).where(GuideVersion.id == version.id).execute()
            audit("library.version_published", object_type="guide",
                  object_id=version.guide_id, detail=f"version={version.id}")
        flash(f"Version {version.label} published.", "success")
    return redirect(url_for("library.guide", guide_id=version.guide_id))


@bp.route("/versions/<int:version_id>/download")
@signed_in
def download(version_id: int):
    """Download a version (counted, and recorded in the audit trail)."""
    version = get_version(version_id)
    with writing():
        version.count_download()
        audit("library.guide_downloaded", object_type="guide", object_id=version.guide_id,
              detail=f"version={version.id}")
    return send_stored_file(StoredFile.get_by_id(version.file_id), version.download_name)


@bp.route("/versions/<int:version_id>/thumbnail")
@signed_in
def thumbnail(version_id: int):
    """The first page of a PDF version as a small picture."""
    version = get_version(version_id)
    if version.thumbnail_id is None:
        abort(404)
    return send_stored_file(StoredFile.get_by_id(version.thumbnail_id),
                            f"{version.guide.title} page 1.png", inline=True)


# -- quick-reference sheets -------------------------------------------------------------------
@bp.route("/sheets/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_sheet():
    """Write a quick-reference sheet (Markdown)."""
    form = SheetForm()
    if form.validate_on_submit():
        with writing():
            sheet = QuickSheet.create(
                title=form.title.data.strip(), summary=(form.summary.data or "").strip(),
                body=form.body.data, topics=join_keys(form.topics.data),
                audiences=join_keys(form.audiences.data), created_by=current_user.id,
                updated_by=current_user.id)
            audit("library.sheet_created", object_type="quick_sheet", object_id=sheet.id)
        flash(f"Sheet \u201c{sheet.title}\u201d added.", "success")
        return redirect(url_for("library.sheet", sheet_id=sheet.id))
    return render("library/sheet_form.html", title="Write a quick-reference sheet", form=form,
                  sheet=None)


@bp.route("/sheets/<int:sheet_id>")
@signed_in
def sheet(sheet_id: int):
    """A quick-reference sheet, laid out to print on one page."""
    sheet = get_sheet(sheet_id)
    return render("library/sheet.html", title=sheet.title, sheet=sheet,
                  body=render_markdown(sheet.body), editor=is_editor())


@bp.route("/sheets/<int:sheet_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_sheet(sheet_id: int):
    """Change a quick-reference sheet."""
    sheet = get_sheet(sheet_id)
    form = SheetForm(obj=sheet if request.method == "GET" else None)
    if request.method == "GET":
        form.topics.data, form.audiences.data = sheet.topic_keys, sheet.audience_keys
        form.version.data = str(sheet.version)
    if form.validate_on_submit():
        with writing():
            saved = update_if_version(
                sheet, int(form.version.data or 0), title=form.title.data.strip(),
                summary=(form.summary.data or "").strip(), body=form.body.data,
                topics=join_keys(form.topics.data), audiences=join_keys(form.audiences.data),
                updated_by=current_user.id, updated_at=utcnow())
            if saved:
                audit("library.sheet_changed", object_type="quick_sheet", object_id=sheet.id)
        if saved:
            flash("Sheet saved.", "success")
            return redirect(url_for("library.sheet", sheet_id=sheet.id))
        form.form_errors.append("Someone else changed this sheet while you were editing. "
                                "Open it again to see their changes before saving yours.")
    return render("library/sheet_form.html", title=f"Edit {sheet.title}", form=form,
                  sheet=sheet)
