"""Finding the form a page offers for a POST route, and filling it in as a user would.

`find_form(html, url)` reads the page's HTML (stdlib html.parser) and returns the fields
of the first POST form whose action is `url` (a form without an action posts to its own
page). `plausible(fields)` fills every field with a value a careful user might type, so a
POST built from it is normally accepted; the security tests then add hostile extras or
replace one field at a time with hostile values.
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field as dc_field
from html.parser import HTMLParser
from urllib.parse import urlsplit

_n = itertools.count(1)


@dataclass
class Field:
    name: str
    kind: str                      # text, textarea, select, radio, checkbox, hidden, ...
    value: str = ""
    options: list[str] = dc_field(default_factory=list)
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    fields: dict[str, Field]

    def text_fields(self) -> list[Field]:
        return [f for f in self.fields.values()
                if f.kind in ("text", "textarea", "search", "email", "tel", "url")]


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_path = urlsplit(page_url).path
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(a.get("action") or self.page_path).path or self.page_path
                self.current = Form(action, {})
                self.forms.append(self.current)
            return
        if self.current is None or not a.get("name") and tag != "option":
            return
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            existing = self.current.fields.get(a["name"])
            if kind in ("radio", "checkbox") and existing:
                existing.options.append(a.get("value", "on"))
                return
            options = [a.get("value", "on")] if kind in ("radio", "checkbox") else []
            self.current.fields[a["name"]] = Field(a["name"], kind, a.get("value", ""),
                                                   options, maxlength)
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea", "", [], maxlength)
            self.current.fields[a["name"]] = self.textarea
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.current.fields[a["name"]] = self.select
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data


def find_form(html: str, url: str) -> Form | None:
    """The first POST form on the page that posts to `url`'s path."""
    parser = _FormParser(url)
    parser.feed(html)
    path = urlsplit(url).path
    return next((f for f in parser.forms if f.action == path), None)


def plausible_value(f: Field) -> str | list[str]:
    """What a careful user would put in `f`."""
    n = next(_n)
    name = f.name.lower()
    if f.kind == "hidden":
        return f.value
    if f.options:
        chosen = [o for o in f.options if o not in ("", "__None")]
        return chosen[:1] or f.options[:1]
    if f.kind == "email" or "email" in name:
        return f"sample{n}@pathways.example"
    if f.kind == "password" or "password" in name:
        return "a long sample passphrase 42"
    if f.kind == "date" or name.endswith(("date", "_on", "_from", "_to")):
        return dt.date.today().isoformat()
    if f.kind == "time" or name.endswith("time"):
        return "10:30"
    if f.kind == "number" or name.endswith(("_id", "count", "number")):
        return "1"
    text = f"Sample {f.name.replace('_', ' ')} {n}"
    return text[: f.maxlength] if f.maxlength else text


def plausible(form: Form) -> list[tuple[str, str]]:
    """Every field of `form` filled in (checkboxes: the first box ticked)."""
    pairs = []
    for f in form.fields.values():
        if f.name == "csrf_token":
            continue
        value = f.value if f.value and f.kind not in ("radio", "checkbox", "select") \
            and f.kind != "hidden" else plausible_value(f)
        for item in value if isinstance(value, list) else [value]:
            pairs.append((f.name, item))
    return pairs
