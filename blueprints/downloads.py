"""Serving stored files: streamed chunk by chunk, always with a safe file name.

    return send_stored_file(stored, "Common sense approach v2.pdf")

The response is an attachment (unless `inline`), carries the stored content type (found
from the content when it was uploaded), `nosniff`, its length and `no-store`; its name is
cleaned of path parts and control characters and given both as an ASCII `filename` and,
when it needs it, an RFC 5987 `filename*` (RFC 6266).
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

from models.base import db
from models.files import StoredFile, iter_chunks

MAX_NAME = 150
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9 ._()+,-]")


def safe_download_name(name: str | None, default: str = "download") -> str:
    """A file name fit for a download: no folders, no control characters, no leading
    dots, at most MAX_NAME characters (keeping the extension)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]       # strip any path the name carries
    name = _UNSAFE.sub("", name)
    name = re.sub(r"[\"<>:|?*;]", "", name)    # characters that break headers or file systems
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name or name in (".", ".."):
        name = default
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[:MAX_NAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def content_disposition(name: str, inline: bool = False) -> str:
    """The Content-Disposition value for `name` (cleaned first)."""
    name = safe_download_name(name)
    # ASCII fallback: accents dropped (é -> e), any other character becomes "_".
    decomposed = unicodedata.normalize("NFKD", name)
    fallback = "".join(c for c in decomposed if not unicodedata.combining(c))
    fallback = _NOT_ASCII_SAFE.sub("_", fallback).strip() or "download"
    value = f'{"inline" if inline else "attachment"}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def send_stored_file(stored_file: StoredFile, download_name: str, *, inline: bool = False):
    """Stream `stored_file` to the browser as a download called `download_name`."""

    def chunks():
        try:
            yield from iter_chunks(stored_file)
        finally:
            # The response outlives the view: give the connection back when it is done.
            if not db.is_closed():
                db.close()

    # Not stream_with_context: the chunks need only the database, and a request context
    # kept alive by an unfinished stream would lend its `g` (the signed-in user and their
    # teams) to the next request handled in the same thread.
    response = Response(chunks(), mimetype=stored_file.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(stored_file.size)
    response.headers["Content-Disposition"] = content_disposition(download_name, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
