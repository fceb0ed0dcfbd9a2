"""Reaching other parts of Pathways only when they are installed, so the dashboard works
whichever parts an organisation runs."""
from __future__ import annotations

import importlib

from flask import current_app, url_for

from ..record_urls import record_url


def installed(endpoint: str) -> bool:
    """True when the view `endpoint` exists in this app."""
    return endpoint in current_app.view_functions


def link(endpoint: str, **values) -> str | None:
    """The URL of `endpoint`, or None when its part is not installed. A link to one record
    by its id (the lists' rows) is made with record_url."""
    if not installed(endpoint):
        return None
    if len(values) == 1 and type(next(iter(values.values()))) is int:
        return record_url(endpoint, **values)
    return url_for(endpoint, **values)


def attribute(module: str, name: str):
    """`module.name` when that module exists and defines it, else None."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(found, name, None)

