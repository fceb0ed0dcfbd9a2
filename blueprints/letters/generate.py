"""Making letters: the functions other parts call, and the one that keeps a letter on a case.

    render_letter("court_report", context) -> DOCX bytes   (active template for a purpose)
    render_letter(version, context)                          (one exact template version)
    render_default("certificate_of_attendance", context)     (the built-in template)

The context is the field catalogue's shape (see catalogue.py); names left out are blank.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from models.files import read_bytes, store
from models.letters import DOCX_TYPE, PURPOSES, GeneratedDocument, LetterTemplate, TemplateVersion
from models.timeline import add_timeline_event

from ..audit import audit
from . import catalogue, defaults, engine


def prepared_version(version: TemplateVersion) -> engine.Prepared:
    """The parsed template of `version`, parsed once per version and process."""
    return engine.prepared_for(("version", version.id, version.file.sha256),
                               lambda: read_bytes(version.file))


def render_version(version: TemplateVersion, context: dict) -> bytes:
    return engine.render_prepared(prepared_version(version), context)


def render_default(purpose: str, context: dict) -> bytes:
    """The built-in template for `purpose` filled with `context` (certificates, roadmaps)."""
    if purpose not in defaults.BUILDERS:
        raise ValueError(f"no built-in letter for {purpose!r}")
    prepared = engine.prepared_for(("default", purpose), lambda: defaults.build(purpose))
    return engine.render_prepared(prepared, context)


def render_letter(template_purpose_or_version, context: dict) -> bytes:
    """A finished DOCX from a TemplateVersion, a LetterTemplate (its latest version) or a
    purpose (its active template, else the built-in one)."""
    target = template_purpose_or_version
    if isinstance(target, TemplateVersion):
        return render_version(target, context)
    if isinstance(target, LetterTemplate):
        version = target.latest_version()
        if version is None:
            raise ValueError(f"template {target.name!r} has no version yet")
        return render_version(version, context)
    if isinstance(target, str):
        if target not in PURPOSES:
            raise ValueError(f"unknown letter purpose {target!r}")
        template = LetterTemplate.for_purpose(target)
        version = template.latest_version() if template else None
        if version is not None:
            return render_version(version, context)
        return render_default(target, context)
    raise TypeError("render_letter takes a purpose, a LetterTemplate or a TemplateVersion")


def version_for_purpose(purpose: str, user=None) -> TemplateVersion:
    """The template version a letter for `purpose` is made from when it is to be kept on
    the case: the active template's latest version, else the standard template's (added
    to the templates first if it is missing, so every kept letter names its template)."""
    template = LetterTemplate.for_purpose(purpose)
    version = template.latest_version() if template else None
    if version is not None:
        return version
    name = defaults.BUILDERS[purpose][1]
    standard = LetterTemplate.get_or_none(LetterTemplate.name == name)
    version = standard.latest_version() if standard else None
    if version is not None:
        return version
    from peewee import IntegrityError

    from models.base import writing
    try:
        with writing():
            return defaults.install_default(purpose, user)
    except IntegrityError:  # someone else added it at the same moment
        return LetterTemplate.get(LetterTemplate.name == name).latest_version()


def free_text_used(version: TemplateVersion) -> list[catalogue.Group]:
    """The typed fields (summary, recommendations…) the version's template uses."""
    names = prepared_version(version).names
    return [group for group in catalogue.free_text_fields() if group.name in names]


def document_file_name(person_name: str, purpose: str, day: dt.date, ext: str = "docx") -> str:
    """'Jordan Amadi - Report to the court on the day - 2026-11-23.docx'."""
    label = PURPOSES.get(purpose, "Letter")
    name = re.sub(r"[^\w .'()-]", "", f"{person_name} - {label} - {day.isoformat()}")
    name = re.sub(r"\s+", " ", name).strip()[:140] or "Letter"
    return f"{name}.{ext}"


def london_today() -> dt.date:
    from zoneinfo import ZoneInfo
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def keep_document(referral, version: TemplateVersion, author, data: bytes,
                  batch=None) -> GeneratedDocument:
    """Store a generated letter on the case, with its timeline event and audit entry.
    Call inside writing(): the document, the event and the audit row commit together."""
    stored = store(data, DOCX_TYPE, "docx")
    purpose = version.template.purpose
    document = GeneratedDocument.create(
        referral=referral, person=referral.person_id, team=referral.team_id,
        template_version=version, author=author, file=stored,
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=document_file_name(referral.person.full_name, purpose, london_today()),
        batch=batch)
    # The summary is made of template labels only, never of what was typed.
    add_timeline_event(referral, author, "letter",
                       f"Letter written: {version.template.name} (version {version.number})",
                       link_type="letter", link_id=document.id)
    audit("letters.document_created", object_type="generated_document",
          object_id=document.id, person_id=referral.person_id, team_id=referral.team_id,
          detail=f"template_version={version.id}" + (f" batch={batch.id}" if batch else ""),
          actor=author)
    return document


def write_letter(referral, version: TemplateVersion, author, free_text: dict,
                 batch=None, hearing=None) -> GeneratedDocument:
    """Render `version` for `referral` with the typed `free_text`, and keep it."""
    context = catalogue.context_for(referral, free_text, author=author, hearing=hearing)
    data = render_version(version, context)
    return keep_document(referral, version, author, data, batch=batch)
