"""Certificates of attendance, made by the letters engine (blueprints/letters): the
"certificate of attendance" letter template a manager uploaded, or the built-in default,
filled in with the attendee, the session and its trainers.

The library works without the letters part installed: `available()` is then False, the
session page offers no certificates and the certificate routes answer 404.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from models.files import read_bytes

from ..downloads import safe_download_name
from ..formats import format_date

PURPOSE = "certificate_of_attendance"


def _engine():
    """The letters engine and its default templates, or None if that part is not here."""
    try:
        from ..letters import defaults, engine
    except ImportError:
        return None
    if not hasattr(engine, "render_prepared") or not hasattr(defaults, "build"):
        return None
    return engine, defaults


def available() -> bool:
    return _engine() is not None


def _template(engine, defaults):
    """The parsed certificate template: a manager's own if there is one, else the default."""
    try:
        from models.letters import LetterTemplate
        template = LetterTemplate.for_purpose(PURPOSE)
        version = template.latest_version() if template else None
    except ImportError:
        version = None
    if version is not None:
        return engine.prepared_for(version.cache_key, lambda: read_bytes(version.file))
    return engine.prepared_for(("library-default", PURPOSE), lambda: defaults.build(PURPOSE))


def certificate_context(session, attendee) -> dict:
    """What the certificate placeholders are filled with."""
    return {"certificate": {"attendee": attendee.name, "title": session.title,
                            "date": format_date(session.date), "duration": "",
                            "delivered_by": session.trainers},
            "today": format_date(dt.date.today())}


def certificate_docx(session, attendee) -> bytes:
    """One attendee's certificate as a Word document (letters engine, sandboxed)."""
    engine, defaults = _engine()
    return engine.render_prepared(_template(engine, defaults), certificate_context(session, attendee))


def certificate_name(session, attendee) -> str:
    return safe_download_name(f"Certificate {attendee.name} {session.date:%Y-%m-%d}.docx")


def certificates_zip(session, attendees) -> bytes:
    """Every certificate in one zip, one uniquely named file per attendee."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for attendee in attendees:
            name = certificate_name(session, attendee)
            if name.lower() in used:
                name = name[:-5] + f" ({attendee.id}).docx"
            used.add(name.lower())
            archive.writestr(name, certificate_docx(session, attendee))
    return out.getvalue()
