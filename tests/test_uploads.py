"""Uploaded files are checked by content before anything opens them, kept by content hash
in the database, and served back streamed with a safe name."""
from __future__ import annotations

import io
import sys

import pytest
from flask import Blueprint
from werkzeug.datastructures import FileStorage

from blueprints import uploads
from blueprints.access import public
from blueprints.downloads import content_disposition, safe_download_name, send_stored_file
from blueprints.uploads import UploadRefused, check_upload, pdf_thumbnail, read_upload
from models.files import CHUNK_SIZE, FileChunk, StoredFile, iter_chunks, read_bytes, store
from tests import fixtures_uploads as make

MAX = 20 * 1024 * 1024


def refusal(data: bytes, **kwargs) -> UploadRefused:
    kwargs.setdefault("max_bytes", MAX)
    with pytest.raises(UploadRefused) as caught:
        check_upload(data, **kwargs)
    return caught.value


# -- good files pass ------------------------------------------------------------------------
def test_a_word_document_is_accepted_and_described():
    info = check_upload(make.docx_bytes(title="Dual diagnosis"), max_bytes=MAX)
    assert info.kind == "docx" and info.extension == "docx"
    assert info.content_type.endswith("wordprocessingml.document")
    assert info.title == "Dual diagnosis"


def test_a_pdf_is_accepted_with_its_page_count():
    info = check_upload(make.pdf_bytes(pages=3, title="Trauma"), max_bytes=MAX)
    assert (info.kind, info.pages, info.content_type) == ("pdf", 3, "application/pdf")
    assert info.title == "Trauma"


def test_a_word_document_with_an_ordinary_web_link_is_accepted():
    assert check_upload(make.hyperlink_docx_bytes(), max_bytes=MAX).kind == "docx"


def test_the_type_comes_from_the_content_not_the_name():
    name, data = make.pdf_disguised_as_docx()
    assert check_upload(data, max_bytes=MAX).kind == "pdf"
    refused = refusal(data, allowed=("docx",))
    assert refused.kind == "type"
    assert refused.message == "This file is a PDF. Upload a Word document (.docx)."


# -- size ------------------------------------------------------------------------------------
def test_an_empty_file_is_refused():
    refused = refusal(make.empty_bytes())
    assert (refused.kind, refused.message) == ("empty", "The file you chose is empty.")


def test_an_oversize_file_is_refused_before_any_parsing(monkeypatch):
    monkeypatch.setattr(uploads, "_check_pdf", lambda data: pytest.fail("parsed"))
    refused = refusal(make.oversize_bytes())
    assert refused.kind == "too_large"
    assert refused.message == "The file is larger than 20 MB. Upload a smaller file."


def test_read_upload_reads_no_more_than_the_limit_plus_one():
    class CountingStream(io.BytesIO):
        asked = []

        def read(self, n=-1):
            self.asked.append(n)
            return super().read(n)

    stream = CountingStream(b"x" * 5000)
    with pytest.raises(UploadRefused) as caught:
        read_upload(FileStorage(stream=stream, filename="big.pdf"), max_bytes=1000)
    assert caught.value.kind == "too_large"
    assert stream.asked == [1001]
    assert "larger than 1 KB" in caught.value.message


def test_read_upload_without_a_file_asks_for_one():
    with pytest.raises(UploadRefused) as caught:
        read_upload(None, max_bytes=100)
    assert caught.value.message == "Choose a file to upload."
    with pytest.raises(UploadRefused) as caught:
        read_upload(FileStorage(stream=io.BytesIO(b""), filename="guide.pdf"), max_bytes=100)
    assert caught.value.message == "The file you chose is empty."


def test_read_upload_returns_the_bytes():
    data = make.pdf_bytes()
    assert read_upload(FileStorage(stream=io.BytesIO(data), filename="x"), max_bytes=MAX) == data


# -- not what it claims ------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"GIF89a....", b"<html><script>alert(1)</script>",
                                  b"MZ\x90\x00 executable"])
def test_other_kinds_of_file_are_refused(data):
    refused = refusal(data)
    assert refused.kind == "type"
    assert refused.message == ("This file is not a Word document (.docx) or a PDF (Pathways "
                               "checks what a file contains, not its name).")


def test_a_renamed_zip_is_not_a_word_document():
    refused = refusal(make.renamed_zip_bytes())
    assert refused.message == "This file is a zip archive, not a Word document (.docx)."


def test_a_package_without_a_document_part_is_refused():
    assert refusal(make.zip_without_document_bytes()).kind == "type"


def test_a_macro_enabled_word_file_is_refused():
    refused = refusal(make.docm_bytes())
    assert refused.kind == "macro"
    assert "contains macros" in refused.message and ".docx" in refused.message


def test_a_macro_project_hidden_in_a_docx_is_refused():
    assert refusal(make.docm_renamed_macro_part_bytes()).kind == "macro"


def test_a_password_protected_word_file_is_refused():
    refused = refusal(make.encrypted_ooxml_bytes())
    assert refused.kind == "encrypted"
    assert "password-protected" in refused.message


def test_encrypted_zip_entries_are_refused():
    refused = refusal(make.encrypted_member_bytes())
    assert refused.kind == "encrypted"
    assert refused.message == ("This file is password-protected. Remove the password and "
                               "upload it again.")


# -- zip tricks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("builder", [make.traversal_docx_bytes, make.absolute_path_docx_bytes])
def test_members_with_paths_outside_the_document_are_refused(builder):
    refused = refusal(builder())
    assert refused.kind == "zip_names"
    assert "unsafe name" in refused.message


def test_duplicate_member_names_are_refused():
    refused = refusal(make.duplicate_member_docx_bytes())
    assert refused.kind == "zip_names" and "same name" in refused.message


def test_a_zip_bomb_with_lying_sizes_is_stopped_while_unpacking(monkeypatch):
    inflated = []
    real = uploads._inflate

    def spy(data, info, keep):
        try:
            return real(data, info, keep)
        finally:
            inflated.append(info.filename)

    monkeypatch.setattr(uploads, "_inflate", spy)
    refused = refusal(make.zip_bomb_bytes())
    assert refused.kind == "zip_bomb"
    assert "zip bomb" in refused.message
    assert inflated[-1] == "word/media/padding.bin"


def test_a_zip_bomb_that_declares_its_size_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(uploads, "_inflate", lambda *a, **k: pytest.fail("unpacked"))
    assert refusal(make.zip_bomb_honest_bytes()).kind == "zip_bomb"


def test_too_many_members_are_refused():
    refused = refusal(make.too_many_members_bytes())
    assert refused.kind == "zip_bomb" and "more than 1000 parts" in refused.message


# -- XML and active content ----------------------------------------------------------------------
@pytest.mark.parametrize("builder", [make.xxe_docx_bytes, make.entity_expansion_docx_bytes])
def test_xml_with_entities_is_refused(builder):
    refused = refusal(builder())
    assert refused.kind == "xml"
    assert "document type definition or entities" in refused.message


@pytest.mark.parametrize("builder", [make.external_relationship_docx_bytes,
                                     make.external_image_docx_bytes])
def test_links_word_would_fetch_on_opening_are_refused(builder):
    refused = refusal(builder())
    assert refused.kind == "external"
    assert "links to something outside itself" in refused.message


def test_altchunk_imports_are_refused():
    refused = refusal(make.altchunk_docx_bytes())
    assert refused.kind == "active_content" and "altChunk" in refused.message


def test_embedded_ole_objects_are_refused():
    refused = refusal(make.ole_object_docx_bytes())
    assert refused.kind == "active_content" and "embedded" in refused.message


def test_dde_fields_split_across_runs_are_refused():
    refused = refusal(make.dde_docx_bytes())
    assert refused.kind == "dde" and "DDE" in refused.message


# -- PDFs ------------------------------------------------------------------------------------------
def test_an_encrypted_pdf_is_refused():
    refused = refusal(make.encrypted_pdf_bytes())
    assert refused.kind == "encrypted"
    assert refused.message == ("This PDF is password-protected or encrypted. Save a copy "
                               "without a password and upload that.")


def test_a_pdf_whose_page_tree_loops_is_refused():
    refused = refusal(make.looping_pdf_bytes())
    assert refused.kind in ("damaged", "timeout")


def test_a_damaged_pdf_is_refused():
    refused = refusal(make.damaged_pdf_bytes())
    assert refused.message == "This PDF is damaged and cannot be opened."


def test_a_pdf_that_hangs_the_parser_is_stopped_by_the_time_limit(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_PROBE", [sys.executable, "-c", "while True: pass"])
    monkeypatch.setattr(uploads, "PDF_CPU_SECONDS", 1)
    monkeypatch.setattr(uploads, "PDF_WALL_SECONDS", 5)
    refused = refusal(make.pdf_bytes())
    assert refused.kind == "timeout"
    assert "took too long or too much memory" in refused.message


def test_a_pdf_that_eats_memory_is_stopped_by_the_memory_limit(monkeypatch):
    grab = "import sys; sys.stdin.buffer.read(); b = bytearray(2 * 1024 ** 3)"
    monkeypatch.setattr(uploads, "PDF_PROBE", [sys.executable, "-c", grab])
    monkeypatch.setattr(uploads, "PDF_MEMORY_BYTES", 256 * 1024 * 1024)
    refused = refusal(make.pdf_bytes())
    assert refused.kind == "timeout"


def test_a_thumbnail_is_none_without_pdftoppm(monkeypatch):
    monkeypatch.setattr(uploads.shutil, "which", lambda name: None)
    assert pdf_thumbnail(make.pdf_bytes()) is None


def test_a_thumbnail_is_a_png_of_page_one_when_pdftoppm_is_installed():
    if uploads.shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    png = pdf_thumbnail(make.pdf_bytes())
    assert png is not None and png.startswith(b"\x89PNG")
    assert pdf_thumbnail(make.damaged_pdf_bytes()) is None


# -- storage -----------------------------------------------------------------------------------------
def test_files_are_stored_once_by_content_in_chunks(app):
    data = make.large_pdf_bytes(int(2.5 * CHUNK_SIZE))
    first = store(data, "application/pdf", "pdf")
    again = store(data, "application/pdf", "pdf")
    assert first.id == again.id
    assert StoredFile.select().count() == 1
    assert FileChunk.select().where(FileChunk.file == first).count() == 3
    assert [len(c) for c in iter_chunks(first)] == [CHUNK_SIZE, CHUNK_SIZE, len(data) - 2 * CHUNK_SIZE]
    assert read_bytes(StoredFile.get_by_id(first.id)) == data


def test_a_small_file_is_one_chunk(app):
    stored = store(b"%PDF-tiny", "application/pdf", "pdf")
    assert stored.chunk_count == 1 and read_bytes(stored) == b"%PDF-tiny"


# -- downloads --------------------------------------------------------------------------------------
@pytest.mark.parametrize("given, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\guide.pdf", "guide.pdf"),
    ("guide\r\nSet-Cookie: x=1.pdf", "guideSet-Cookie x=1.pdf"),
    ('a"b;c.pdf', "abc.pdf"),
    ("...", "download"),
    ("", "download"),
    (".hidden.pdf", "hidden.pdf"),
])
def test_download_names_lose_paths_and_control_characters(given, expected):
    assert safe_download_name(given) == expected


def test_long_download_names_keep_their_extension():
    name = safe_download_name("x" * 400 + ".docx")
    assert len(name) <= 150 and name.endswith(".docx")


def test_non_ascii_names_get_an_rfc_6266_filename_star():
    value = content_disposition("Café guide – v2.pdf")
    assert value.startswith('attachment; filename="Cafe guide _ v2.pdf"')
    assert "filename*=UTF-8''Caf%C3%A9%20guide%20%E2%80%93%20v2.pdf" in value
    assert content_disposition("plain.pdf") == 'attachment; filename="plain.pdf"'
    assert content_disposition("plain.pdf", inline=True).startswith("inline;")


def test_a_stored_file_is_streamed_as_an_attachment(app, client):
    data = make.large_pdf_bytes(int(1.5 * CHUNK_SIZE))
    stored = store(data, "application/pdf", "pdf")
    probe = Blueprint("download_probe", __name__)

    @probe.route("/download-probe")
    @public
    def download():
        return send_stored_file(StoredFile.get_by_id(stored.id), "../Guide v1.pdf")

    app.register_blueprint(probe)
    response = client.get("/download-probe")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Disposition"] == 'attachment; filename="Guide v1.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == data
