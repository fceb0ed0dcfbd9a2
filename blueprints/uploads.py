"""Checking uploaded files before anything else opens them (guides, letter templates).

    data = read_upload(request.files.get("file"), max_bytes=MAX)   # bounded read
    info = check_upload(data, allowed=("docx", "pdf"), max_bytes=MAX)  # the one entry point
    stored = files.store(data, info.content_type, info.kind)

Every refusal is an UploadRefused with a sentence for the user (`.message`) and a short
`.kind` for tests and the audit trail. The type comes from the content (magic bytes and,
for Word, the package's own content types), never from the file name or the browser's
Content-Type. Checks run cheapest first, and a parser only ever sees a file that passed
the checks before it:

- size (empty, over the limit);
- DOCX (a zip package): number of members, unsafe member names (`../`, absolute, drive
  letters, duplicates), encrypted entries, declared unpacked size and compression ratio,
  then the *actual* unpacked size, inflated here with a cap so a zip that lies about its
  sizes cannot expand past it; macro-enabled and encrypted Word files, zips that are not
  Word documents; every XML part parsed with defusedxml (no DTDs, no entities);
  relationships to outside resources (remote templates, linked images or objects),
  altChunk imports, embedded OLE objects and DDE/INCLUDETEXT fields;
- PDF: `%PDF-` header, then pypdf in a child process with CPU, memory and wall-clock
  limits, so a looping or decompression-bomb PDF cannot hang or exhaust the server;
  encrypted PDFs are refused.
"""
from __future__ import annotations

import io
import json
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}
DESCRIPTIONS = {"docx": "a Word document (.docx)", "pdf": "a PDF"}

# Zip (DOCX) limits. A real Word document has a few dozen parts and its XML compresses
# maybe 10-30 times; images are stored almost uncompressed.
MAX_MEMBERS = 1000
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_APPLIES_ABOVE = 1024 * 1024  # tiny members may compress very well; they do no harm
MAX_XML_PART = 20 * 1024 * 1024    # an XML part bigger than this is not a real document

# The child process that opens a PDF.
PDF_CPU_SECONDS = 10
PDF_WALL_SECONDS = 20
PDF_MEMORY_BYTES = 768 * 1024 * 1024
PDF_PROBE = [sys.executable, "-I", str(Path(__file__).with_name("pdf_probe.py"))]
THUMBNAIL_SECONDS = 15

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .doc, or encrypted OOXML
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Relationship types (last path segment) that pull in or run something from elsewhere.
ACTIVE_RELATIONSHIPS = {"aFChunk": "an imported chunk of another document (altChunk)",
                        "oleObject": "an embedded or linked object (OLE)",
                        "package": "an embedded file or object",
                        "control": "an ActiveX control",
                        "activeXControlBinary": "an ActiveX control",
                        "vbaProject": "macros",
                        "subDocument": "a linked sub-document"}
# External targets are allowed only for hyperlinks (a link the reader chooses to follow);
# anything else that points outside (a remote template, a linked picture or object) is
# fetched by Word when the file is opened.
EXTERNAL_ALLOWED = {"hyperlink"}
DANGEROUS_FIELDS = re.compile(r"\b(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE)\b", re.IGNORECASE)


class UploadRefused(Exception):
    """An upload Pathways will not keep. `message` is a sentence to show the user."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class DocxInfo:
    size: int
    members: int
    unpacked: int
    title: str = ""
    kind: str = "docx"
    content_type: str = DOCX_TYPE
    extension: str = "docx"


@dataclass(frozen=True)
class PdfInfo:
    size: int
    pages: int
    title: str = ""
    kind: str = "pdf"
    content_type: str = PDF_TYPE
    extension: str = "pdf"
    warnings: tuple = field(default_factory=tuple)


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 1 else f"{max(1, n // 1024)} KB"


def _expected(allowed) -> str:
    return " or ".join(DESCRIPTIONS[a] for a in allowed)


def read_upload(file_storage, max_bytes: int) -> bytes:
    """The bytes of an uploaded file, reading at most `max_bytes` + 1 of them: a file
    over the limit is refused without being read whole."""
    if file_storage is None or not getattr(file_storage, "stream", None):
        raise UploadRefused("Choose a file to upload.", "empty")
    data = file_storage.stream.read(max_bytes + 1)
    if not data:
        if getattr(file_storage, "filename", ""):
            raise UploadRefused("The file you chose is empty.", "empty")
        raise UploadRefused("Choose a file to upload.", "empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"The file is larger than {_megabytes(max_bytes)}. "
                            "Upload a smaller file.", "too_large")
    return data


def check_upload(data: bytes, *, allowed=("docx", "pdf"), max_bytes: int):
    """Check `data` fully and return what it is (DocxInfo or PdfInfo), or raise
    UploadRefused. The only way an uploaded file should be accepted."""
    allowed = tuple(allowed)
    if not data:
        raise UploadRefused("The file you chose is empty.", "empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"The file is larger than {_megabytes(max_bytes)}. "
                            "Upload a smaller file.", "too_large")
    if data.startswith(CFB_MAGIC):
        raise UploadRefused("This file is password-protected or is an old-style Word file "
                            "(.doc). Remove the password, or save it as a Word document "
                            "(.docx), and upload it again.", "encrypted")
    if data.startswith(PDF_MAGIC):
        if "pdf" not in allowed:
            raise UploadRefused(f"This file is a PDF. Upload {_expected(allowed)}.", "type")
        return _check_pdf(data)
    if data.startswith(ZIP_MAGIC):
        if "docx" not in allowed:
            raise UploadRefused(f"This file is not {_expected(allowed)}.", "type")
        return _check_docx(data)
    raise UploadRefused(f"This file is not {_expected(allowed)} (Pathways checks what a "
                        "file contains, not its name).", "type")


# -- DOCX ---------------------------------------------------------------------------------
def _check_member_names(infos) -> None:
    seen = set()
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        if (name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name)
                or "\x00" in name):
            raise UploadRefused("This file contains a part with an unsafe name (a path "
                                "outside the document). Pathways will not keep it.", "zip_names")
        key = name.lower()
        if key in seen:
            raise UploadRefused("This file contains two parts with the same name, which a "
                                "real Word document never has. Pathways will not keep it.",
                                "zip_names")
        seen.add(key)


def _inflate(data: bytes, info: zipfile.ZipInfo, keep: bool) -> tuple[bytes | None, int]:
    """Unpack one member from the raw bytes, whatever its headers declare, stopping as
    soon as it passes its declared size (a header that lies is the zip-bomb disguise).
    Returns (contents if `keep`, actual size); the CRC is checked either way."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise UploadRefused("This file is damaged and cannot be opened.", "damaged")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_len + extra_len
    raw = data[start:start + info.compress_size]
    cap = info.file_size
    pieces, total, crc = [], 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        total, crc = len(raw), zlib.crc32(raw)
        if keep:
            pieces.append(raw)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        pending = raw
        try:
            while True:
                piece = inflater.decompress(pending, 256 * 1024)
                pending = inflater.unconsumed_tail
                total += len(piece)
                if total > cap:
                    raise _bomb()
                crc = zlib.crc32(piece, crc)
                if keep:
                    pieces.append(piece)
                if inflater.eof or (not pending and not piece):
                    break
        except zlib.error:
            raise UploadRefused("This file is damaged and cannot be opened.", "damaged") from None
    else:
        raise UploadRefused("This file uses a kind of compression Word does not use. "
                            "Save it again from Word and upload it.", "damaged")
    if total > cap:
        raise _bomb()
    if total != cap or crc != info.CRC:
        raise UploadRefused("This file is damaged and cannot be opened.", "damaged")
    return (b"".join(pieces) if keep else None), total


def _bomb() -> UploadRefused:
    return UploadRefused("This file unpacks to far more than its size (a \u201czip bomb\u201d) "
                         "or misreports its contents. Pathways will not keep it.", "zip_bomb")


def _parse_xml(content: bytes, name: str):
    try:
        return SafeET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise UploadRefused("This file contains XML with a document type definition or "
                            "entities, which Word never writes (it can be used to read "
                            "files from the server). Pathways will not keep it.",
                            "xml") from None
    except SafeET.ParseError:
        raise UploadRefused("This file is damaged: part of it cannot be read "
                            f"({name[:60]}).", "damaged") from None


def _check_docx(data: bytes) -> DocxInfo:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UploadRefused("This file is damaged and cannot be opened.", "damaged") from None
    if not infos:
        raise UploadRefused("This file is not a Word document (.docx).", "type")
    if len(infos) > MAX_MEMBERS:
        raise UploadRefused(f"This file has more than {MAX_MEMBERS} parts, far more than a "
                            "Word document has. Pathways will not keep it.", "zip_bomb")
    _check_member_names(infos)
    if any(info.flag_bits & 0x1 for info in infos):
        raise UploadRefused("This file is password-protected. Remove the password and "
                            "upload it again.", "encrypted")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED:
        raise _bomb()
    for info in infos:
        if (info.file_size > RATIO_APPLIES_ABOVE
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise _bomb()
    names = {info.filename for info in infos}
    lowered = {n.lower() for n in names}
    if any(n.endswith(("vbaproject.bin", "vbadata.xml")) for n in lowered):
        raise _macros()
    if "[content_types].xml" not in lowered:
        raise UploadRefused("This file is a zip archive, not a Word document (.docx).", "type")

    # Unpack every member with the real sizes counted; keep the XML parts to inspect.
    xml_parts: dict[str, bytes] = {}
    unpacked = 0
    for info in infos:
        if info.is_dir():
            continue
        is_xml = info.filename.lower().endswith((".xml", ".rels"))
        if is_xml and info.file_size > MAX_XML_PART:
            raise _bomb()
        content, size = _inflate(data, info, keep=is_xml)
        unpacked += size
        if is_xml:
            xml_parts[info.filename] = content

    trees = {name: _parse_xml(content, name) for name, content in xml_parts.items()}
    content_types = next(tree for name, tree in trees.items()
                         if name.lower() == "[content_types].xml")
    types = [el.get("ContentType", "") for el in content_types.iter()]
    if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in types):
        raise _macros()
    main_type = None
    for el in content_types.iter(f"{{{CT_NS}}}Override"):
        if el.get("PartName", "").lower() == "/word/document.xml":
            main_type = el.get("ContentType", "")
    if "word/document.xml" not in names or main_type is None:
        raise UploadRefused("This file is a zip archive, not a Word document (.docx).", "type")
    if main_type != WORD_MAIN:
        raise UploadRefused("This Word file is a template or another variant. Save it as a "
                            "Word document (.docx) and upload it again.", "type")
    if any(n.startswith("word/embeddings/") or n.startswith("word/activex/") for n in lowered):
        raise UploadRefused("This file contains an embedded object or control. Remove it "
                            "and upload the document again.", "active_content")

    for name, tree in trees.items():
        if name.lower().endswith(".rels"):
            _check_relationships(tree)
        elif name.lower().startswith("word/"):
            _check_word_part(tree)
    return DocxInfo(size=len(data), members=len(infos), unpacked=unpacked,
                    title=_docx_title(trees.get("docProps/core.xml")))


def _macros() -> UploadRefused:
    return UploadRefused("This file contains macros (a macro-enabled Word file, .docm). "
                         "Save it as a Word document (.docx) without macros and upload it "
                         "again.", "macro")


def _check_relationships(tree) -> None:
    for rel in tree.iter(f"{{{REL_NS}}}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ACTIVE_RELATIONSHIPS:
            raise UploadRefused(f"This file contains {ACTIVE_RELATIONSHIPS[kind]}. Remove it "
                                "and upload the document again.", "active_content")
        if rel.get("TargetMode", "").lower() == "external" and kind not in EXTERNAL_ALLOWED:
            raise UploadRefused("This file links to something outside itself (for example "
                                "a template, picture or object on another computer) that Word "
                                "would fetch when it is opened. Remove the link and upload "
                                "it again.", "external")


def _check_word_part(tree) -> None:
    instructions = []
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag == "altChunk":
            raise UploadRefused("This file contains an imported chunk of another document "
                                "(altChunk). Remove it and upload the document again.",
                                "active_content")
        if tag in ("object", "OLEObject", "control"):
            raise UploadRefused("This file contains an embedded or linked object. Remove it "
                                "and upload the document again.", "active_content")
        if tag == "instrText" and el.text:
            instructions.append(el.text)
        elif tag == "fldSimple":
            instructions.append(" " + (el.get(f"{{{W_NS}}}instr") or "") + " ")
    if DANGEROUS_FIELDS.search("".join(instructions)):
        raise UploadRefused("This file contains a field that runs or fetches something when "
                            "it is opened (DDE or INCLUDE). Remove it and upload the document "
                            "again.", "dde")


def _docx_title(tree) -> str:
    if tree is None:
        return ""
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.endswith("}title") and el.text:
            return el.text.strip()[:200]
    return ""


# -- PDF ----------------------------------------------------------------------------------
def _child_limits(cpu_seconds: int, memory_bytes: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _run_limited(command: list[str], data: bytes, wall_seconds: float):
    """Run `command` with `data` on stdin under CPU and memory limits; None on timeout."""
    try:
        return subprocess.run(command, input=data, capture_output=True, timeout=wall_seconds,
                              preexec_fn=_child_limits(PDF_CPU_SECONDS, PDF_MEMORY_BYTES),
                              close_fds=True, check=False)
    except subprocess.TimeoutExpired:
        return None


def _check_pdf(data: bytes) -> PdfInfo:
    result = _run_limited(PDF_PROBE, data, PDF_WALL_SECONDS)
    if result is None or result.returncode < 0:
        raise UploadRefused("This PDF took too long or too much memory to open, so it may "
                            "be damaged or built to cause harm. Save it again (for example "
                            "\u201cPrint to PDF\u201d) and upload the new copy.", "timeout")
    try:
        report = json.loads(result.stdout.decode("utf-8") or "{}")
    except ValueError:
        report = {}
    if result.returncode != 0 or "error" in report or "pages" not in report:
        if report.get("error") == "encrypted":
            raise UploadRefused("This PDF is password-protected or encrypted. Save a copy "
                                "without a password and upload that.", "encrypted")
        if report.get("error") == "memory" or not report:
            raise UploadRefused("This PDF took too long or too much memory to open, so it "
                                "may be damaged or built to cause harm. Save it again and "
                                "upload the new copy.", "timeout")
        raise UploadRefused("This PDF is damaged and cannot be opened.", "damaged")
    if report["pages"] < 1:
        raise UploadRefused("This PDF has no pages.", "damaged")
    return PdfInfo(size=len(data), pages=int(report["pages"]),
                   title=str(report.get("title") or "")[:200])


def pdf_thumbnail(data: bytes, width: int = 300) -> bytes | None:
    """A PNG of the first page (via poppler's pdftoppm when it is installed), or None."""
    tool = shutil.which("pdftoppm")
    if tool is None or not data.startswith(PDF_MAGIC):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                [tool, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", str(width),
                 str(source), str(Path(tmp) / "page")],
                capture_output=True, timeout=THUMBNAIL_SECONDS, check=False, close_fds=True,
                preexec_fn=_child_limits(PDF_CPU_SECONDS, PDF_MEMORY_BYTES))
        except (subprocess.TimeoutExpired, OSError):
            return None
        out = Path(tmp) / "page.png"
        if done.returncode != 0 or not out.exists():
            return None
        png = out.read_bytes()
    return png if png.startswith(b"\x89PNG\r\n\x1a\n") else None
