"""Quick-reference sheets are written in Markdown; shown as sanitised HTML.

markdown-it-py renders CommonMark (with tables) with raw HTML switched off, then nh3
keeps only the tags and attributes a sheet needs, so neither Markdown nor pasted HTML
can bring in a script, a style, an event handler or a javascript: link.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "br", "hr", "strong", "em", "ul", "ol", "li",
                "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str | None) -> Markup:
    """Markdown `text` as safe HTML. Headings start at level 2 (the page owns the h1)."""
    html = _markdown.render(text or "")
    html = (html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
            .replace("<h5>", "<h4>").replace("</h5>", "</h4>")
            .replace("<h6>", "<h4>").replace("</h6>", "</h4>"))
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer",
                      strip_comments=True)
    return Markup(clean)
