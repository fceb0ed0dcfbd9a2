"""Input no person can type: NUL characters in the query string or a form.

PostgreSQL cannot hold NUL in text at all (the driver raises before the query runs, a
500), and no keyboard produces one. Before any view or validator sees the request, each
NUL is replaced by SUB (U+001A), the ASCII character meant to stand in for one that cannot
be represented: form validators then refuse it like any other control character, with
their own clear message and the user's text kept, and nothing ever sends NUL to the
database.
"""
from __future__ import annotations

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict

SUBSTITUTE = "\x1a"


def _cleaned(values):
    pairs = [(k.replace("\x00", SUBSTITUTE), v.replace("\x00", SUBSTITUTE))
             for k, v in values.items(multi=True)]
    return ImmutableMultiDict(pairs)


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def substitute_nul_characters():
    """before_request: replace NUL in the query string and form fields (400 in the path)."""
    if "\x00" in request.path:
        abort(400)
    if _has_nul(request.args):
        request.args = _cleaned(request.args)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data") \
            and _has_nul(request.form):
        request.form = _cleaned(request.form)
    request.__dict__.pop("values", None)  # rebuilt from the cleaned parts if asked for
    return None
