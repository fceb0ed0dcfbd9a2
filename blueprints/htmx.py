"""The one place that reads htmx request headers: whole page or fragment, and redirects.

A fragment is a {% block %} of the page's own template, rendered alone for htmx.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for any request htmx made (including boosted links and history restores)."""
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """True when htmx asked for a piece of a page rather than a whole page."""
    return (is_htmx()
            and request.headers.get("HX-Boosted") != "true"
            and request.headers.get("HX-History-Restore-Request") != "true")


def render(template: str, fragment: str | None = None, status: int = 200, **context):
    """Render the whole page, or only its `fragment` block for an htmx request."""
    if fragment and is_partial():
        body = render_block(template, fragment, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.headers.add("Vary", "HX-Request")
    return response


def hx_redirect(url: str, status: int = 303):
    """Send the browser to `url`: HX-Redirect for htmx (so the page is not swapped into a
    cell), an ordinary See Other otherwise."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=status)


def current_page_path() -> str | None:
    """The path of the page an htmx request came from (HX-Current-URL), if it is ours."""
    url = request.headers.get("HX-Current-URL")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
