"""Where a timeline event links to. Each part registers its link types when its blueprint
is imported, e.g. register_link("letter", "letters.document", "document_id")."""
from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError

from .record_urls import record_url

_LINKS: dict[str, tuple[str, str]] = {}


def register_link(link_type: str, endpoint: str, argument: str) -> None:
    _LINKS[link_type] = (endpoint, argument)


def link_for(event) -> str | None:
    """The URL of what `event` is about, or None when its part has no page for it."""
    target = _LINKS.get(event.link_type or "")
    if not target or not event.link_id:
        return None
    endpoint, argument = target
    try:
        link_id = event.link_id
        if link_id.isascii() and link_id.isdigit():  # a timeline is a long list: record_urls.py
            return record_url(endpoint, **{argument: int(link_id)})
        return url_for(endpoint, **{argument: link_id})
    except BuildError:
        return None
