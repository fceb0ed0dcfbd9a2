"""Guides: trainers upload versions, staff find and download them, nothing unsafe is kept."""
from __future__ import annotations

import io

import pytest

from models.audit import AuditEvent
from models.files import StoredFile, read_bytes
from models.library import Guide, GuideVersion
from tests import fixtures_uploads as make
from tests.library_data import make_guide, make_sheet

GUIDE_FORM = {"title": "Working with women in court", "summary": "For court staff",
              "topics": ["women", "trauma"], "audiences": ["courts"], "label": "v1",
              "changes": "", "published": "y"}


def upload(client, url, data: bytes, name: str = "guide.pdf", **fields):
    form = dict(GUIDE_FORM, **fields)
    form["file"] = (io.BytesIO(data), name)
    return client.post_form(url, form, content_type="multipart/form-data")


def test_trainer_adds_a_guide_with_a_pdf_and_staff_download_it(client_as, users):
    data = make.pdf_bytes(pages=2, title="Women in court")
    response = upload(client_as("trainer"), "/library/guides/new", data)
    assert response.status_code == 302
    guide = Guide.get()
    assert (guide.title, guide.topic_keys, guide.audience_keys) == (
        "Working with women in court", ["trauma", "women"], ["courts"])
    version = guide.current_version()
    assert (version.label, version.kind, version.pages) == ("v1", "pdf", 2)
    assert read_bytes(version.file) == data

    practitioner = client_as("practitioner")
    page = practitioner.get(f"/library/guides/{guide.id}").get_data(as_text=True)
    assert "Working with women in court" in page and "Upload a new version" not in page
    download = practitioner.get(f"/library/versions/{version.id}/download")
    assert download.status_code == 200
    assert download.get_data() == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="Working with women in court (v1).pdf"')
    assert GuideVersion.get_by_id(version.id).download_count == 1
    assert AuditEvent.select().where(AuditEvent.action == "library.guide_downloaded").count() == 1


def test_a_word_document_guide_is_served_as_docx(client_as):
    data = make.docx_bytes(title="Dual diagnosis")
    upload(client_as("manager"), "/library/guides/new", data, name="dual.docx")
    version = GuideVersion.get()
    assert version.kind == "docx" and version.pages is None
    response = client_as("practitioner").get(f"/library/versions/{version.id}/download")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert response.headers["Content-Disposition"].endswith('(v1).docx"')


@pytest.mark.parametrize("name, data, message", [
    ("guide.docm", make.docm_bytes(), "contains macros"),
    ("guide.pdf", make.encrypted_pdf_bytes(), "password-protected or encrypted"),
    ("guide.docx", make.renamed_zip_bytes(), "zip archive, not a Word document"),
    ("guide.pdf", b"", "The file you chose is empty."),
    ("guide.exe", b"MZ\x90\x00binary", "is not a PDF or a Word document (.docx)"),
    ("guide.docx", make.external_relationship_docx_bytes(), "links to something outside"),
])
def test_unsafe_or_wrong_files_are_refused_with_a_clear_message(client_as, name, data, message):
    response = upload(client_as("trainer"), "/library/guides/new", data, name=name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert Guide.select().count() == 0 and StoredFile.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "library.upload_refused").count() == 1


def test_a_pdf_named_docx_is_kept_as_the_pdf_it_is(client_as):
    name, data = make.pdf_disguised_as_docx()
    upload(client_as("trainer"), "/library/guides/new", data, name=name)
    assert GuideVersion.get().kind == "pdf"


def test_a_file_over_the_library_limit_is_refused(app, client_as):
    app.config["LIBRARY_MAX_UPLOAD_MB"] = 1
    response = upload(client_as("trainer"), "/library/guides/new", make.large_pdf_bytes(1_200_000))
    assert "The file is larger than 1 MB" in response.get_data(as_text=True)
    assert Guide.select().count() == 0


def test_a_request_over_the_server_limit_gets_the_too_large_page(client_as):
    response = upload(client_as("trainer"), "/library/guides/new", make.oversize_bytes())
    assert response.status_code == 413
    assert "The file or form is too large" in response.get_data(as_text=True)
    assert Guide.select().count() == 0


def test_a_path_in_the_file_name_is_never_used(client_as):
    upload(client_as("trainer"), "/library/guides/new", make.pdf_bytes(),
           name="../../../etc/cron.d/guide.pdf", title="Trauma guide")
    version = GuideVersion.get()
    response = client_as("practitioner").get(f"/library/versions/{version.id}/download")
    assert response.headers["Content-Disposition"] == 'attachment; filename="Trauma guide (v1).pdf"'


def test_script_in_a_title_is_shown_as_text(client_as):
    upload(client_as("trainer"), "/library/guides/new", make.pdf_bytes(),
           title="<script>alert('x')</script> O'Brien \"guide\"")
    guide = Guide.get()
    for url in ("/library/", f"/library/guides/{guide.id}"):
        page = client_as("practitioner").get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(" in page
    response = client_as("practitioner").get(f"/library/versions/{guide.current_version().id}/download")
    assert "<" not in response.headers["Content-Disposition"]


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Enter the guide&#39;s title"),
    ("title", "x" * 201, "Title must be 200 characters or fewer"),
    ("label", "", "Enter a version, like v2 or March 2026"),
    ("summary", "bad\x00byte", "Summary must not contain control characters"),
    ("topics", [], "Select at least one topic"),
    ("topics", ["not-a-topic"], "Choose topics from the list"),
])
def test_guide_form_errors_are_explained(client_as, field, value, message):
    response = upload(client_as("trainer"), "/library/guides/new", make.pdf_bytes(), **{field: value})
    assert message in response.get_data(as_text=True)
    assert Guide.select().count() == 0


def test_a_new_version_becomes_current_and_old_ones_stay_downloadable(client_as, users):
    guide = make_guide(users["trainer"], versions=("v1",))
    first = guide.current_version()
    trainer = client_as("trainer")
    response = upload(trainer, f"/library/guides/{guide.id}/versions/new",
                      make.docx_bytes(title="Second"), name="v2.docx", label="v2",
                      changes="New section on trauma")
    assert response.status_code == 302
    current = guide.current_version()
    assert current.label == "v2" and current.changes == "New section on trauma"
    page = client_as("practitioner").get(f"/library/guides/{guide.id}").get_data(as_text=True)
    assert page.index("v2") < page.index("v1")
    assert "New section on trauma" in page
    old = client_as("practitioner").get(f"/library/versions/{first.id}/download")
    assert old.status_code == 200 and old.get_data() == read_bytes(first.file)


def test_two_versions_cannot_share_a_name(client_as, users):
    guide = make_guide(users["trainer"], versions=("v1",))
    response = upload(client_as("trainer"), f"/library/guides/{guide.id}/versions/new",
                      make.pdf_bytes(["other"]), label="v1")
    assert "already has a version with that name" in response.get_data(as_text=True)
    assert GuideVersion.select().count() == 1


def test_a_draft_version_is_hidden_from_staff_until_published(client_as, users):
    guide = make_guide(users["trainer"], versions=("v1",))
    upload(client_as("trainer"), f"/library/guides/{guide.id}/versions/new",
           make.pdf_bytes(["draft text"]), label="v2-draft", published="")
    draft = GuideVersion.get(GuideVersion.label == "v2-draft")
    assert guide.current_version().label == "v1"
    staff = client_as("practitioner")
    assert "v2-draft" not in staff.get(f"/library/guides/{guide.id}").get_data(as_text=True)
    assert staff.get(f"/library/versions/{draft.id}/download").status_code == 404
    client_as("trainer").post_form(f"/library/versions/{draft.id}/publish")
    assert guide.current_version().label == "v2-draft"
    assert staff.get(f"/library/versions/{draft.id}/download").status_code == 200


def test_a_guide_with_no_published_version_is_not_listed_for_staff(client_as, users):
    guide = make_guide(users["trainer"], title="Unfinished", published=False)
    assert "Unfinished" not in client_as("practitioner").get("/library/").get_data(as_text=True)
    assert client_as("practitioner").get(f"/library/guides/{guide.id}").status_code == 404
    assert "Unfinished" in client_as("trainer").get("/library/").get_data(as_text=True)


def test_editing_a_guide_with_a_stale_form_is_refused(client_as, users):
    guide = make_guide(users["trainer"])
    form = {"title": "New title", "summary": "", "topics": ["women"], "audiences": ["courts"],
            "version": str(guide.version)}
    assert client_as("trainer").post_form(f"/library/guides/{guide.id}/edit", form).status_code == 302
    stale = client_as("manager").post_form(f"/library/guides/{guide.id}/edit",
                                           dict(form, title="Other title"))
    assert "Someone else changed this guide" in stale.get_data(as_text=True)
    assert Guide.get_by_id(guide.id).title == "New title"


def test_practitioners_cannot_edit_the_library(client_as, users):
    guide = make_guide(users["trainer"])
    practitioner = client_as("practitioner")
    assert practitioner.get("/library/guides/new").status_code == 403
    assert practitioner.get(f"/library/guides/{guide.id}/versions/new").status_code == 403
    response = upload(practitioner, "/library/guides/new", make.pdf_bytes())
    assert response.status_code == 403 and Guide.select().count() == 1


def test_download_counts_add_up_across_versions(client_as, users):
    guide = make_guide(users["trainer"], versions=("v1", "v2"))
    versions = list(GuideVersion.select().order_by(GuideVersion.id))
    staff = client_as("practitioner")
    for version in (versions[0], versions[1], versions[1]):
        staff.get(f"/library/versions/{version.id}/download")
    assert [GuideVersion.get_by_id(v.id).download_count for v in versions] == [1, 2]
    assert "3 downloads" in staff.get("/library/").get_data(as_text=True)


# -- search and filters ------------------------------------------------------------------------
def test_search_finds_guides_and_sheets_as_you_type(client_as, users):
    make_guide(users["trainer"], title="Common sense approach to dual diagnosis",
               topics=("dual_diagnosis",), audiences=("probation",))
    make_guide(users["trainer"], title="Learning disability in custody",
               topics=("learning_disability",), audiences=("police",))
    make_sheet(users["trainer"], title="Self-harm: what to do",
               body="## Signs\n\nCuts or burns; talk of suicide.", topics=("suicide_self_harm",))
    client = client_as("practitioner")
    fragment = client.hx_get("/library/?q=dual+diag").get_data(as_text=True)
    assert "<html" not in fragment
    assert "<mark>dual</mark>" in fragment.lower() or "<mark>Dual</mark>" in fragment
    assert "Learning disability" not in fragment
    sheet_hit = client.hx_get("/library/?q=burns").get_data(as_text=True)
    assert "Self-harm: what to do" in sheet_hit and "Common sense" not in sheet_hit
    assert "HX-Request" in client.get("/library/?q=dual").headers["Vary"]


def test_topic_and_audience_filters(client_as, users):
    make_guide(users["trainer"], title="Guide for police", topics=("trauma",), audiences=("police",))
    make_guide(users["trainer"], title="Guide for health", topics=("trauma",), audiences=("health",))
    client = client_as("practitioner")
    page = client.get("/library/?audience=police").get_data(as_text=True)
    assert "Guide for police" in page and "Guide for health" not in page
    page = client.get("/library/?topic=women").get_data(as_text=True)
    assert "No guides match your search." in page


@pytest.mark.parametrize("q", ["' OR 1=1 --", "\"unbalanced", "NEAR(a b)", "*", "a" * 500])
def test_odd_search_text_is_harmless(client_as, users, q):
    make_guide(users["trainer"])
    response = client_as("practitioner").get("/library/", query_string={"q": q, "topic": "../x"})
    assert response.status_code == 200


def test_a_pdf_version_gets_a_first_page_thumbnail_when_pdftoppm_is_installed(client_as):
    import shutil
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    upload(client_as("trainer"), "/library/guides/new", make.pdf_bytes())
    version = GuideVersion.get()
    assert version.thumbnail_id is not None
    response = client_as("practitioner").get(f"/library/versions/{version.id}/thumbnail")
    assert response.status_code == 200 and response.get_data().startswith(b"\x89PNG")
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_a_10_mb_download_is_streamed_not_held_in_memory(client_as, users):
    import tracemalloc

    from models.files import store
    data = make.large_pdf_bytes(10 * 1024 * 1024)
    guide = Guide.create(title="Large", created_by=users["trainer"])
    version = GuideVersion.create(guide=guide, label="v1", kind="pdf", uploaded_by=users["trainer"],
                                  file=store(data, "application/pdf", "pdf"))
    size = len(data)
    del data
    client = client_as("practitioner")
    tracemalloc.start()
    try:
        response = client.get(f"/library/versions/{version.id}/download", buffered=False)
        received = sum(len(chunk) for chunk in response.response)
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert received == size
    # A few 1 MB chunks at most (PostgreSQL's driver holds a chunk twice while decoding it),
    # never the 10 MB file.
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB while sending 10 MB"


def test_ranked_ids_agree_with_the_full_text_rank(users):
    from models.library import GUIDE_TEXT
    for n, title in enumerate(["Trauma and women", "Trauma trauma trauma", "Women in court",
                               "Custody and trauma-informed care", "Learning disability"]):
        make_guide(users["trainer"], title=title, summary=f"guide {n}")
    expected = [g.id for g in Guide.select().where(GUIDE_TEXT.matches(Guide.id, "trauma"))
                .order_by(GUIDE_TEXT.rank(Guide.id, "trauma"), Guide.id)]
    ranked = GUIDE_TEXT.ranked_ids(Guide.id, "trauma")
    assert ranked == expected and len(ranked) == 3
    assert Guide.get(Guide.title == "Learning disability").id not in ranked
    assert GUIDE_TEXT.ranked_ids(Guide.id, "  ") == []
