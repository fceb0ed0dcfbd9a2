"""Refusing input no person can type: NUL characters in form fields or the query string.

PostgreSQL cannot hold NUL in text at all (the driver raises before the query runs), and
no keyboard produces it, so a request carrying one is a probe or a broken client. It is
refused with a 400 before any view or validator sees it (validators that query the
database, like "is this name taken", would otherwise fail with a 500 on PostgreSQL).
"""
from __future__ import annotations

from flask import abort, request


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul_characters():
    """before_request: 400 for a NUL character anywhere in the query string or form."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") and _has_nul(request.form):
        abort(400)
    return None
