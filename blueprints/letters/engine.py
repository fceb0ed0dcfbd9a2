"""Rendering letters: docxtpl through a locked-down Jinja sandbox, with parsed templates
cached per template version, and the checks a template must pass before it is accepted.

Why a sandbox: templates are uploaded by managers, and the values put into them come from
case records typed by anyone. ImmutableSandboxedEnvironment stops a template reaching
Python internals (`''.__class__`), files or the app config, and refuses to change lists
or dicts; autoescape makes every value XML text, so `<`, `&` and `{{` in a note render
literally and the document still opens. Characters XML 1.0 forbids are dropped.
"""
from __future__ import annotations

import difflib
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from . import catalogue

# Characters XML 1.0 does not allow in a document (all C0 controls but tab, newline and
# carriage return; the surrogates; U+FFFE and U+FFFF). Word refuses a file holding one.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A template may not build huge strings or numbers from small ones ('x' * 10**9).
MAX_REPEAT = 10_000
MAX_POWER = 1_000


def xml_safe(text: str) -> str:
    """`text` without the characters an XML document cannot hold; CRLF becomes LF (which
    docxtpl turns into a line break)."""
    return XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _finalize(value):
    """Every `{{ value }}` passes through here before it is escaped: None prints as
    nothing, and characters illegal in XML are dropped."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(xml_safe(str(value)))
    if isinstance(value, str):
        return xml_safe(value)
    return value


MAX_RANGE = 1000


def _letter_range(*args: int) -> range:
    """range() for letters: nothing in a letter counts far, and nested loops multiply."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"the template counts beyond {MAX_RANGE}")
    return numbers


class LetterSandbox(ImmutableSandboxedEnvironment):
    """The only Jinja environment letters are rendered in."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, **options):
        super().__init__(autoescape=True, finalize=_finalize, **options)
        # `safe` would let a value skip escaping and write raw XML into the document.
        self.filters.pop("safe", None)
        # Letters need none of these helpers; fewer objects, fewer ways in.
        for name in ("lipsum", "cycler", "joiner"):
            self.globals.pop(name, None)
        self.globals["range"] = _letter_range

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                        and len(seq) * n > MAX_REPEAT:
                    raise SecurityError("the template repeats text too many times")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise SecurityError("the template raises a number to too high a power")
        return super().call_binop(context, operator, left, right)


_ENV = LetterSandbox()


def sandbox() -> LetterSandbox:
    return _ENV


# ---------------------------------------------------------------------------------------
# Parsing once per version


@dataclass
class Prepared:
    """A template parsed once: the DOCX bytes and each XML part compiled by Jinja."""
    blob: bytes
    body: Template
    parts: dict[str, Template] = field(default_factory=dict)      # header/footer partname
    properties: dict[str, Template] = field(default_factory=dict)  # core property name
    names: frozenset = frozenset()  # top-level names the template uses (person, summary…)


PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class TemplateProblem(ValueError):
    """A template that cannot be used; `message` says why in words a manager can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _part_sources(doc: DocxTemplate) -> list[tuple[str, str]]:
    """(name, Jinja source) of the body, then each header and footer, as docxtpl sees them."""
    def prepared(xml):
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(xml))

    sources = [("body", prepared(doc.get_xml()))]
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for _rel, part in doc.get_headers_footers(uri):
            sources.append((str(part.partname), prepared(doc.get_part_xml(part))))
    return sources


def _paragraph_text(source: str, lineno: int | None) -> str:
    """The words of the paragraph at `lineno` of a part's source (tags removed)."""
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    text = re.sub(r"\s+", " ", Markup(text).unescape()).strip()
    return text[:200]


def _where(name: str) -> str:
    if name == "body":
        return ""
    return " in the header" if "header" in name else " in the footer"


def prepare(blob: bytes) -> Prepared:
    """Parse and compile a template; TemplateProblem names the paragraph with a syntax error."""
    try:
        doc = DocxTemplate(io.BytesIO(blob))
        doc.init_docx()
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise TemplateProblem("The file is not a Word document Pathways can read "
                              f"({type(exc).__name__}).") from None
    compiled: dict[str, Template] = {}
    names: set[str] = set()
    for name, source in _part_sources(doc):
        try:
            names |= meta.find_undeclared_variables(_ENV.parse(source))
            compiled[name] = _ENV.from_string(source)
        except TemplateSyntaxError as exc:
            where = _paragraph_text(source, exc.lineno)
            raise TemplateProblem(
                f"Placeholder error{_where(name)}: {(exc.message or '').rstrip('.')}"
                + (f', in the paragraph "{where}"' if where else "")
                + ". Check the {{ }} and {% %} pairs in that paragraph.") from None
    properties = {}
    for prop in PROPERTIES:
        value = getattr(doc.docx.core_properties, prop) or ""
        if "{" in value:
            try:
                properties[prop] = _ENV.from_string(value)
            except TemplateSyntaxError as exc:
                raise TemplateProblem(f"Placeholder error in the document's {prop} property: "
                                      f"{exc.message}.") from None
    body = compiled.pop("body")
    return Prepared(blob=blob, body=body, parts=compiled, properties=properties,
                    names=frozenset(names))


class _Cache:
    """Least-recently-used map from a template version's key to its Prepared form."""

    def __init__(self, size: int = 32):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, blob_loader) -> Prepared:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        prepared = prepare(blob_loader())
        with self.lock:
            self.items[key] = prepared
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return prepared

    def clear(self):
        with self.lock:
            self.items.clear()


CACHE = _Cache()


def prepared_for(key, blob_loader) -> Prepared:
    """The parsed template for `key` (e.g. a version's id and sha256), parsing it at most
    once while it stays in the cache; `blob_loader()` gives the DOCX bytes."""
    return CACHE.get(key, blob_loader)


# ---------------------------------------------------------------------------------------
# Rendering


class _Rendering(DocxTemplate):
    """docxtpl, fed with already compiled parts instead of re-parsing the template."""

    def __init__(self, prepared: Prepared):
        super().__init__(io.BytesIO(prepared.blob))
        self._prepared = prepared

    def _render_compiled(self, template: Template, part, context) -> str:
        # The same steps as DocxTemplate.render_xml_part after its from_string().
        self.current_rendering_part = part
        xml = template.render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
               .replace("{_%", "{%").replace("%_}", "%}"))
        return self.resolve_listing(xml)

    def build_xml(self, context, jinja_env=None):
        return self._render_compiled(self._prepared.body, self.docx._part, context)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            template = self._prepared.parts.get(str(part.partname))
            if template is None:
                continue
            xml = self._render_compiled(template, part, context)
            yield rel_key, xml.encode("utf-8")

    def render_properties(self, context, jinja_env=None):
        for prop, template in self._prepared.properties.items():
            setattr(self.docx.core_properties, prop, xml_safe(template.render(context)))

    def render_footnotes(self, context, jinja_env=None):
        return  # footnotes are not rendered: the catalogue's letters do not use them


class RenderProblem(ValueError):
    """Rendering failed; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def render_prepared(prepared: Prepared, context: dict) -> bytes:
    """The finished DOCX for `context` (completed with blanks for anything missing)."""
    doc = _Rendering(prepared)
    try:
        doc.render(catalogue.complete(context), jinja_env=_ENV, autoescape=True)
    except SecurityError as exc:
        raise RenderProblem(f"The template tries something letters may not do ({exc}).") \
            from None
    except (TemplateError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise RenderProblem(f"The template could not be filled in: {exc}.") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_bytes(blob: bytes, context: dict) -> bytes:
    """Render template bytes without the cache (previews of files not yet saved)."""
    return render_prepared(prepare(blob), context)


# ---------------------------------------------------------------------------------------
# Checking placeholders against the catalogue


def _dotted(node) -> str | None:
    """'person.first_name' for {{ person.first_name }} / {{ person['first_name'] }}."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
            and isinstance(node.arg.value, str):
        base = _dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def _suggest(name: str, candidates, prefix: str = "") -> str:
    """' Did you mean {{ person.first_name }}?' with the closest known names, or ''."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f"{{{{ {prefix}{c} }}}}" for c in close) + "?"


def unknown_fields(prepared_sources: list[str]) -> list[str]:
    """Messages naming each placeholder the catalogue does not offer, with the closest
    known names. Loop variables over catalogue lists are checked against the row fields."""
    problems: list[str] = []
    known = set(catalogue.known_names())
    seen: set[str] = set()

    def report(name: str, message: str):
        if name not in seen:
            seen.add(name)
            problems.append(message)

    for source in prepared_sources:
        ast = _ENV.parse(source)
        top = meta.find_undeclared_variables(ast)
        for name in sorted(top):
            if name not in catalogue.BY_NAME and name not in _ENV.globals:
                report(name, f"Unknown field {{{{ {name} }}}}." +
                       _suggest(name, sorted(known)))
        # Jinja's own names (the template object, macro plumbing) are not letter fields.
        for node in ast.find_all(nodes.Name):
            if node.name in ("self", "caller", "varargs", "kwargs"):
                report(node.name, f"Unknown field {{{{ {node.name} }}}}.")
        # Loop variables: {% for need in needs %} -> need.* must be a field of a needs row.
        loops: dict[str, tuple[str, set[str]]] = {}
        for loop in ast.find_all(nodes.For):
            if isinstance(loop.target, nodes.Name):
                path = _dotted(loop.iter)
                fields = catalogue.row_fields(path) if path else None
                if fields is not None:
                    loops[loop.target.name] = (path, fields)
        for node in ast.find_all(nodes.Getattr):
            if node.attr.startswith("_"):
                report(f"_{node.attr}", f"Placeholders cannot use names starting with an "
                                        f"underscore ({node.attr}): letters may only use "
                                        "the fields in the catalogue.")
        for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
            dotted = _dotted(node)
            if not dotted or "." not in dotted:
                continue
            head, rest = dotted.split(".", 1)
            attr = rest.split(".")[0]
            if head in loops:
                path, fields = loops[head]
                if fields and attr not in fields:
                    report(dotted, f"Unknown field {{{{ {head}.{attr} }}}} in a row of "
                                   f"{path}." + _suggest(attr, sorted(fields), f"{head}."))
                continue
            if head not in catalogue.BY_NAME:
                continue  # already reported, or a variable the template set itself
            attrs = catalogue.attributes_of(head)
            if attrs is not None and attr not in attrs and attr not in _ALLOWED_METHODS:
                report(f"{head}.{attr}", f"Unknown field {{{{ {head}.{attr} }}}}." +
                       _suggest(f"{head}.{attr}", sorted(known)))
    return problems


# Methods a template may call on catalogue values (lists and text) without being flagged.
_ALLOWED_METHODS = {"items", "keys", "values", "get", "upper", "lower", "title", "strip",
                    "split", "splitlines"}


def check_template(blob: bytes) -> Prepared:
    """Everything a template must pass before it is accepted: it parses, it uses only
    catalogue fields, and it renders with sample data into a document that opens.
    Raises TemplateProblem with every problem found (one per line)."""
    prepared = prepare(blob)
    doc = DocxTemplate(io.BytesIO(blob))
    doc.init_docx()
    sources = [source for _name, source in _part_sources(doc)]
    sources += [getattr(doc.docx.core_properties, prop) or "" for prop in PROPERTIES]
    problems = unknown_fields([source for source in sources if "{" in source])
    if problems:
        raise TemplateProblem("\n".join(problems))
    try:
        rendered = render_prepared(prepared, catalogue.sample_context())
        Document(io.BytesIO(rendered))
    except RenderProblem as exc:
        raise TemplateProblem(exc.message) from None
    except Exception as exc:  # the rendered package does not open
        raise TemplateProblem("The template renders into a document Word could not open "
                              f"({type(exc).__name__}); check loops that span table "
                              "rows use {%tr %}.") from None
    return prepared


def undeclared_names(blob: bytes) -> set[str]:
    """Top-level names a template uses (docxtpl's own view; for the catalogue page)."""
    doc = DocxTemplate(io.BytesIO(blob))
    return doc.get_undeclared_template_variables(jinja_env=_ENV)


__all__ = ["CACHE", "LetterSandbox", "Prepared", "RenderProblem", "TemplateProblem",
           "UndefinedError", "check_template", "prepare", "prepared_for", "render_bytes",
           "render_prepared", "sandbox", "unknown_fields", "xml_safe"]
