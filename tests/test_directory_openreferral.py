"""Import and export in the Open Referral UK shape: exports validate against the schemas,
the UK examples round-trip, imports are previewed and applied all at once, and bad files
change nothing."""
import copy
import csv
import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest

from blueprints.directory.hsds import problems
from blueprints.directory.tabular import neutralise
from models.audit import AuditEvent
from models.directory import DirectoryImport, Organization, Service
from tests.directory_factories import make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")
EXAMPLES = Path(__file__).parent / "data" / "hsds" / "examples"
SERVICE_FULL = json.loads((EXAMPLES / "service_full.json").read_text())
ORGANIZATION_FULL = json.loads((EXAMPLES / "organization_full.json").read_text())
CANONICAL_CSV = ["organizations.csv", "organization_identifiers.csv", "services.csv",
                 "service_at_location.csv", "locations.csv", "addresses.csv", "phones.csv",
                 "contacts.csv", "schedules.csv", "funding.csv", "service_areas.csv",
                 "required_documents.csv", "languages.csv", "accessibility.csv",
                 "cost_options.csv", "taxonomy_terms.csv", "taxonomies.csv", "attribute.csv"]


def upload(client, name, data: bytes):
    return client.post_form("/directory/import",
                            {"upload": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def import_and_confirm(client, name, data):
    response = upload(client, name, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview = response.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    confirmed = client.post_form(preview, {"action": "apply"})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:2000]
    return page


def example_zip(names=None, replace=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((EXAMPLES / "csv").glob("*.csv")):
            if names and path.name not in names:
                continue
            text = (replace or {}).get(path.name, path.read_text(encoding="utf-8"))
            archive.writestr(path.name, text)
    return buffer.getvalue()


def canonical(value):
    from blueprints.directory.importing import canonical as c
    return c(value)


# -- export validates against the schemas ---------------------------------------------

def test_exported_json_validates_against_uk_profile_and_hsds3(client_as):
    make_service("Hackney Women's Service", categories=["Women's centres", "Housing"],
                 boroughs=["Hackney"], women_only=True, self_referral=True,
                 phone="020 7946 0001", languages="English, Somali",
                 opening_hours="Mon-Fri 9-5", how_to_refer="Phone the duty worker",
                 minimum_age=18)
    response = client_as("coordinator").get("/directory/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    organizations = json.loads(response.get_data())
    assert len(organizations) == 1
    for org in organizations:
        without_services = {k: v for k, v in org.items() if k != "services"}
        for profile in ("uk", "hsds3"):
            assert problems(without_services, "organization", profile) == []
            for service in org["services"]:
                assert problems(service, "service", profile) == []
    service = organizations[0]["services"][0]
    assert service["application_process"] == "Phone the duty worker"
    assert [a["name"] for a in service["service_areas"]] == ["Hackney"]
    terms = {a["taxonomy_term"]["name"] for a in service["attributes"]}
    assert {"Women's centres", "Housing and supported accommodation", "Women only",
            "Self-referral accepted", "Referrals by phone"} <= terms
    assert AuditEvent.get(AuditEvent.action == "directory.exported").detail.startswith("json")


def test_the_validator_does_catch_bad_objects():
    broken = dict(SERVICE_FULL, status="open", minimum_age="twelve")
    del broken["name"]
    found = " ".join(problems(broken))
    assert "'name' is missing" in found and "should be a number" in found
    assert "not one of" in found
    assert problems(dict(SERVICE_FULL, id="not-a-uuid"))


def test_archived_services_are_not_exported(client_as):
    make_service("Still Open")
    make_service("Closed Long Ago", archived_at=__import__("datetime").datetime(2024, 1, 1))
    names = [s["name"] for o in json.loads(client_as("manager").get("/directory/export.json").get_data())
             for s in o["services"]]
    assert names == ["Still Open"]


# -- the UK examples round-trip ---------------------------------------------------------

def test_uk_service_full_example_round_trips(client_as):
    client = client_as("coordinator")
    page = import_and_confirm(client, "service_full.json", json.dumps(SERVICE_FULL).encode())
    assert "1 new" in page
    exported = json.loads(client.get("/directory/export.json").get_data())
    assert len(exported) == 1 and len(exported[0]["services"]) == 1
    service = dict(exported[0]["services"][0], organization={
        k: v for k, v in exported[0].items() if k != "services"})
    assert canonical(service) == canonical(SERVICE_FULL)
    # Imported a second time, nothing has changed.
    again = client.get(upload(client, "again.json", json.dumps(SERVICE_FULL).encode())
                       .headers["Location"]).get_data(as_text=True)
    assert "0 new, 0 changed, 1 unchanged" in again


def test_uk_organization_full_example_round_trips(client_as):
    client = client_as("coordinator")
    import_and_confirm(client, "organization_full.json", json.dumps(ORGANIZATION_FULL).encode())
    exported = json.loads(client.get("/directory/export.json").get_data())
    assert canonical(exported) == canonical([ORGANIZATION_FULL])


def test_uk_csv_example_round_trips(client_as):
    client = client_as("coordinator")
    page = import_and_confirm(client, "example.zip", example_zip())
    assert "links to f28dd44b" in page  # the example's attribute points at no service
    exported = zipfile.ZipFile(io.BytesIO(client.get("/directory/export.zip").get_data()))
    for name in ("services.csv", "organizations.csv", "locations.csv", "service_areas.csv",
                 "contacts.csv", "phones.csv", "schedules.csv", "cost_options.csv",
                 "accessibility.csv", "languages.csv", "funding.csv",
                 "organization_identifiers.csv", "required_documents.csv", "addresses.csv"):
        original = list(csv.DictReader(io.StringIO((EXAMPLES / "csv" / name).read_text())))
        ours = list(csv.DictReader(io.StringIO(exported.read(name).decode())))
        assert len(ours) == len(original), name
        for theirs, mine in zip(original, ours):
            # addresses.csv also has address_2, which the example's JSON lacks
            for column, value in theirs.items():
                if column in ("location_id",) and name == "schedules.csv":
                    continue
                assert mine.get(column, "") == value, (name, column)


def test_our_own_csv_export_imports_back_unchanged(client_as):
    make_service("Formula Test", description="=HYPERLINK(\"http://evil\")", phone="+44 20 7946 0000",
                 categories=["Debt"], boroughs=["Camden"])
    client = client_as("coordinator")
    package = client.get("/directory/export.zip").get_data()
    preview = client.get(upload(client, "ours.zip", package).headers["Location"]).get_data(as_text=True)
    assert "0 new, 0 changed, 1 unchanged" in preview


# -- formula injection ----------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)",
                                  "\tTAB", "\rCR"])
def test_csv_export_neutralises_formulas(client_as, cell):
    make_service(cell[:200], description=cell)
    archive = zipfile.ZipFile(io.BytesIO(client_as("coordinator").get("/directory/export.zip").get_data()))
    rows = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode(), newline="")))
    assert rows[0]["description"] == "'" + cell
    assert rows[0]["name"].startswith("'")


def test_numbers_and_plain_text_are_not_altered():
    assert neutralise(-0.12) == "-0.12" and neutralise("Plain text") == "Plain text"
    assert neutralise("020 7946 0000") == "020 7946 0000"


# -- preview and confirmation ---------------------------------------------------------

def test_nothing_changes_until_the_import_is_confirmed(client_as):
    client = client_as("coordinator")
    response = upload(client, "s.json", json.dumps(SERVICE_FULL).encode())
    assert Service.select().count() == 0 and Organization.select().count() == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Community Counselling" in page and "New" in page and "Import 1 service" in page
    client.post_form(response.headers["Location"], {"action": "cancel"})
    assert Service.select().count() == 0
    assert DirectoryImport.get().status == "cancelled"
    assert client.post_form(response.headers["Location"], {"action": "apply"}).status_code == 200
    assert Service.select().count() == 0


def test_preview_lists_new_changed_unchanged_and_invalid_rows(client_as):
    client = client_as("coordinator")
    import_and_confirm(client, "s.json", json.dumps(SERVICE_FULL).encode())
    changed = dict(copy.deepcopy(SERVICE_FULL), name="Community Counselling (renamed)")
    second = dict(copy.deepcopy(SERVICE_FULL), id=str(uuid.uuid4()), name="Brand New",
                  service_areas=[], service_at_locations=[], contacts=[], attributes=[],
                  schedules=[], languages=[], funding=[], cost_options=[])
    third = dict(copy.deepcopy(second), id=str(uuid.uuid4()), name="Wrong Types",
                 minimum_age="twelve")
    unchanged = {"id": "00000000-0000-4000-8000-000000000001", "name": "Bad status",
                 "status": "open", "organization": SERVICE_FULL["organization"]}
    body = json.dumps([changed, second, third, unchanged]).encode()
    page = client.get(upload(client, "mixed.json", body).headers["Location"]).get_data(as_text=True)
    assert "1 new, 1 changed, 0 unchanged, 2 that cannot be imported" in page
    assert "Changes: name" in page
    assert "minimum_age: &#34;twelve&#34; should be a number" in page
    assert "status: &#34;open&#34; is not one of" in page


def test_confirming_applies_all_valid_rows_in_one_go(client_as):
    client = client_as("coordinator")
    services = [dict(copy.deepcopy(SERVICE_FULL), id=str(uuid.uuid4()), name=f"Copy {n}",
                     service_at_locations=[], contacts=[], attributes=[], service_areas=[],
                     schedules=[], languages=[], funding=[], cost_options=[])
                for n in range(3)]
    import_and_confirm(client, "three.json", json.dumps(services).encode())
    assert Service.select().count() == 3 and Organization.select().count() == 1
    event = AuditEvent.get(AuditEvent.action == "directory.import_applied")
    assert event.detail == "new=3 changed=0 taxonomies=0 terms=0"


def test_a_failure_while_applying_changes_nothing(client_as, monkeypatch):
    client = client_as("coordinator")
    services = [dict(copy.deepcopy(SERVICE_FULL), id=str(uuid.uuid4()), name=f"Copy {n}")
                for n in range(2)]
    for n, s in enumerate(services):  # give each its own child ids
        s["service_areas"] = [dict(s["service_areas"][0], id=str(uuid.uuid4()))]
        s["service_at_locations"] = [dict(s["service_at_locations"][0], id=str(uuid.uuid4()))]
        s["contacts"] = [dict(s["contacts"][0], id=str(uuid.uuid4()))]
        s["attributes"] = [dict(s["attributes"][0], id=str(uuid.uuid4()))]
        s["schedules"] = [dict(s["schedules"][0], id=str(uuid.uuid4()))]
    response = upload(client, "two.json", json.dumps(services).encode())
    from blueprints.directory import hsds
    calls = []
    real = hsds.upsert_service

    def failing(data, organization):
        calls.append(data["name"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(data, organization)

    monkeypatch.setattr("blueprints.directory.importing.upsert_service", failing)
    page = client.post_form(response.headers["Location"], {"action": "apply"})
    assert "The import failed and nothing was changed" in page.get_data(as_text=True)
    assert calls == ["Copy 0", "Copy 1"]
    assert Service.select().count() == 0 and Organization.select().count() == 0
    assert DirectoryImport.get().status == "pending"


def test_another_users_preview_is_not_found(client_as, users):
    response = upload(client_as("coordinator"), "s.json", json.dumps(SERVICE_FULL).encode())
    assert client_as("manager").get(response.headers["Location"]).status_code == 404
    assert client_as("manager").post_form(response.headers["Location"],
                                          {"action": "apply"}).status_code == 404
    assert Service.select().count() == 0


# -- bad files --------------------------------------------------------------------------

@pytest.mark.parametrize("name, body, message", [
    ("bad.json", b'{"id": "x", "name": ', "The file is not valid JSON: Expecting value at line 1"),
    ("bad.json", b"\xff\xfe\x00junk", "not UTF-8"),
    ("empty.json", b"", "The file is empty"),
    ("list.json", b"[]", "The file holds no services"),
    ("notes.txt", b"hello", "Pathways imports Open Referral JSON"),
    ("bad.zip", b"PK\x03\x04 definitely not a zip", "The file is not a ZIP file"),
    ("../../etc/passwd", b"root:x:0:0", "Pathways imports Open Referral JSON"),
])
def test_malformed_files_are_refused_with_a_reason(client_as, name, body, message):
    response = upload(client_as("coordinator"), name, body)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and message in text and "Nothing was imported" in text
    assert DirectoryImport.select().count() == 0 and Service.select().count() == 0


def test_no_file_chosen(client_as):
    response = client_as("coordinator").post_form("/directory/import", {})
    assert "Choose a JSON file or a ZIP of CSV files" in response.get_data(as_text=True)


def test_malformed_csv_is_refused(client_as):
    broken = example_zip(replace={"services.csv": 'id,name,status\n"unclosed,quote,active\n'})
    text = upload(client_as("coordinator"), "broken.zip", broken).get_data(as_text=True)
    assert "services.csv" in text and "Nothing was imported" in text
    ragged = example_zip(replace={"services.csv": "id,name,status\na,b\n"})
    assert "line 2: 2 cells where the header has 3" in upload(
        client_as("coordinator"), "ragged.zip", ragged).get_data(as_text=True)
    assert Service.select().count() == 0


def test_wrong_types_in_csv_are_invalid_rows(client_as):
    text = (EXAMPLES / "csv" / "services.csv").read_text().replace(",12,100,", ",twelve,100,")
    page = upload(client_as("coordinator"), "t.zip", example_zip(replace={"services.csv": text}))
    preview = client_as("coordinator").get(page.headers["Location"]).get_data(as_text=True)
    assert "minimum_age: &#34;twelve&#34; should be a number" in preview


def test_unknown_taxonomy_term_is_an_invalid_row(client_as):
    service = dict(copy.deepcopy(SERVICE_FULL),
                   attributes=[{"id": str(uuid.uuid4()),
                                "taxonomy_term": {"id": str(uuid.uuid4())}}])
    response = upload(client_as("coordinator"), "t.json", json.dumps(service).encode())
    page = client_as("coordinator").get(response.headers["Location"]).get_data(as_text=True)
    assert "unknown taxonomy term" in page and "0 new" in page
    assert 'value="apply"' not in page
    assert "1 row is invalid; fix it and upload the file again — nothing has been changed" in page


def test_known_taxonomy_term_by_id_only_is_accepted(client_as):
    from tests.directory_factories import category
    service = dict(copy.deepcopy(SERVICE_FULL), attributes=[
        {"id": str(uuid.uuid4()), "taxonomy_term": {"id": str(category("Debt").uuid)}}])
    import_and_confirm(client_as("coordinator"), "t.json", json.dumps(service).encode())
    assert [t.name for t in Service.get().category_terms()] == ["Debt and money advice"]


def test_duplicate_ids_are_invalid_rows(client_as):
    twice = [SERVICE_FULL, dict(SERVICE_FULL, name="Same id")]
    response = upload(client_as("coordinator"), "dup.json", json.dumps(twice).encode())
    page = client_as("coordinator").get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("is used by more than one service in the file") == 2
    other = dict(copy.deepcopy(SERVICE_FULL), id=str(uuid.uuid4()))  # same child ids
    response = upload(client_as("coordinator"), "dup2.json", json.dumps([SERVICE_FULL, other]).encode())
    page = client_as("coordinator").get(response.headers["Location"]).get_data(as_text=True)
    assert "appears more than once in the file" in page


def test_a_50_mb_file_is_refused_before_it_is_read(client_as):
    client = client_as("coordinator")
    response = upload(client, "huge.json", b"[" + b" " * (50 * 1024 * 1024) + b"]")
    assert response.status_code == 413
    assert "the largest file Pathways imports is 10 MB" in response.get_data(as_text=True)
    assert DirectoryImport.select().count() == 0


def test_a_file_just_over_the_import_limit_is_refused(client_as, app):
    from blueprints.directory import importing
    body = b"[" + b" " * (importing.IMPORT_MAX_BYTES + 10) + b"]"
    response = upload(client_as("coordinator"), "big.json", body)
    assert "larger than 10 MB, the largest file Pathways imports" in response.get_data(as_text=True)


def test_zip_bombs_are_refused_before_unpacking(client_as):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", "id,name,status\n" + " " * (70 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    text = upload(client_as("coordinator"), "bomb.zip", buffer.getvalue()).get_data(as_text=True)
    assert "unpacks to more than 60 MB" in text
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(41):
            archive.writestr(f"f{n}.csv", "id\n")
    assert "holds 41 files" in upload(client_as("coordinator"), "many.zip",
                                      many.getvalue()).get_data(as_text=True)


def test_practitioners_cannot_import_or_export(client_as):
    client = client_as("practitioner")
    assert client.get("/directory/import").status_code == 403
    assert client.get("/directory/export.json").status_code == 403
    assert client.get("/directory/export.zip").status_code == 403


# -- all or nothing: one bad row and nothing changes ----------------------------------

def directory_counts() -> dict[str, int]:
    """Rows in every directory table (the import previews themselves aside)."""
    from models.directory import DIRECTORY_MODELS
    return {m._meta.table_name: m.select().count() for m in DIRECTORY_MODELS
            if m is not DirectoryImport}


def plain_service(name: str, **fields) -> dict:
    """A service of the UK example with ids of its own and no child rows."""
    return dict(copy.deepcopy(SERVICE_FULL), id=str(uuid.uuid4()), name=name,
                service_at_locations=[], contacts=[], attributes=[], service_areas=[],
                schedules=[], languages=[], funding=[], cost_options=[], **fields)


def test_a_file_with_one_bad_row_among_good_ones_changes_nothing(client_as):
    client = client_as("coordinator")
    import_and_confirm(client, "s.json", json.dumps(SERVICE_FULL).encode())
    before = directory_counts()
    changed = dict(copy.deepcopy(SERVICE_FULL), name="Community Counselling (renamed)")
    bad = plain_service("Wrong Types", minimum_age="twelve")
    body = json.dumps([changed, plain_service("Good One"), plain_service("Good Two"), bad]).encode()
    response = upload(client, "mixed.json", body)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # The preview still lists every row, with what is wrong with the bad one.
    assert "2 new, 1 changed, 0 unchanged, 1 that cannot be imported" in page
    assert "Good One" in page and "Good Two" in page and "Changes: name" in page
    assert "minimum_age: &#34;twelve&#34; should be a number" in page
    message = "1 row is invalid; fix it and upload the file again — nothing has been changed"
    assert message in page and 'value="apply"' not in page
    # A hand-made confirmation is refused by the server, not only by the missing button.
    refused = client.post_form(response.headers["Location"], {"action": "apply"})
    assert refused.status_code == 200 and message in refused.get_data(as_text=True)
    assert directory_counts() == before
    assert Service.get().name == "Community Counselling"
    assert DirectoryImport.get(DirectoryImport.filename == "mixed.json").status == "pending"
    assert AuditEvent.select().where(AuditEvent.action == "directory.import_applied").count() == 1


def test_the_same_file_fixed_imports_whole(client_as):
    client = client_as("coordinator")
    good = [plain_service("Good One"), plain_service("Good Two")]
    bad = plain_service("Bad Status", status="open")
    response = upload(client, "first.json", json.dumps(good + [bad]).encode())
    assert "1 row is invalid" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post_form(response.headers["Location"], {"action": "apply"})
    assert Service.select().count() == 0
    fixed = dict(bad, status="active")
    import_and_confirm(client, "fixed.json", json.dumps(good + [fixed]).encode())
    assert sorted(s.name for s in Service.select()) == ["Bad Status", "Good One", "Good Two"]


def test_several_bad_rows_are_counted_in_the_message(client_as):
    client = client_as("manager")
    rows = [plain_service("Fine"), plain_service("No status", status="open"),
            plain_service("Too old", maximum_age=400)]
    response = upload(client, "two-bad.json", json.dumps(rows).encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 rows are invalid; fix them and upload the file again — nothing has been changed" in page


def test_a_row_that_became_invalid_since_the_preview_rolls_the_import_back(client_as):
    """The file is checked again inside the transaction that applies it."""
    client = client_as("coordinator")
    lonely = Organization.create(name="Organisation without services")
    by_reference = plain_service("Refers to an organisation")
    del by_reference["organization"]
    by_reference["organization_id"] = str(lonely.uuid)
    response = upload(client, "ref.json", json.dumps([plain_service("Fine"), by_reference]).encode())
    assert "Import 2 services" in client.get(response.headers["Location"]).get_data(as_text=True)
    lonely.delete_instance()
    before = directory_counts()
    page = client.post_form(response.headers["Location"], {"action": "apply"}).get_data(as_text=True)
    assert "1 row is invalid; fix it and upload the file again — nothing has been changed" in page
    assert "neither in the file nor in the directory" in page
    assert directory_counts() == before and Service.select().count() == 0


def test_a_bad_taxonomy_in_the_file_blocks_the_services_too(client_as):
    client = client_as("coordinator")
    taxonomy = json.loads((EXAMPLES / "taxonomy.json").read_text())
    taxonomy["taxonomy_terms"][0]["taxonomy_id"] = "not-a-uuid"
    before = directory_counts()
    response = upload(client, "t.json", json.dumps([plain_service("Fine"), taxonomy]).encode())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "taxonomy_id: not-a-uuid is not a UUID" in page
    assert "1 row is invalid" in page and 'value="apply"' not in page
    client.post_form(response.headers["Location"], {"action": "apply"})
    assert directory_counts() == before


# -- taxonomies keep their vocabulary ---------------------------------------------------

TAXONOMY_ID = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
EXAMPLE_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode(), newline="")))


def test_csv_example_taxonomies_and_terms_are_imported_and_exported_back(client_as):
    from models.directory import Taxonomy, TaxonomyTerm
    client = client_as("coordinator")
    page = import_and_confirm(client, "example.zip", example_zip())
    assert "Taxonomies and taxonomy terms: 2 new, 0 changed" in page
    # The example's term names a taxonomy its taxonomies.csv does not describe.
    assert "not described in the file" in page
    taxonomy = Taxonomy.get(Taxonomy.uuid == uuid.UUID(TAXONOMY_ID))
    assert (taxonomy.name, taxonomy.uri, taxonomy.version) == ("name", "http://example.com", "version")
    term = TaxonomyTerm.get(TaxonomyTerm.uuid == uuid.UUID(TERM_ID))
    assert term.taxonomy.uuid == uuid.UUID("07ff6aee-a219-438c-b694-d2fcb6c5373b")
    assert term.taxonomy.name == "taxonomy"  # recorded under the term's own taxonomy name
    exported = zipfile.ZipFile(io.BytesIO(client.get("/directory/export.zip").get_data()))
    for name in ("taxonomies.csv", "taxonomy_terms.csv"):
        ours = {row["id"]: row for row in csv_rows(exported, name)}
        for original in csv.DictReader(io.StringIO((EXAMPLES / "csv" / name).read_text())):
            assert {k: ours[original["id"]].get(k, "") for k in original} == original, name


def linked_example_zip() -> bytes:
    """The UK example package with its term in its own taxonomy and on its service."""
    terms = (EXAMPLES / "csv" / "taxonomy_terms.csv").read_text().replace(
        "07ff6aee-a219-438c-b694-d2fcb6c5373b", TAXONOMY_ID)
    attributes = (EXAMPLES / "csv" / "attribute.csv").read_text().replace(
        "f28dd44b-0c4d-479f-8e90-4c52219a8b3c", EXAMPLE_SERVICE_ID)
    return example_zip(replace={"taxonomy_terms.csv": terms, "attribute.csv": attributes})


def test_csv_package_terms_keep_their_taxonomy_and_round_trip(client_as):
    from models.directory import Taxonomy, TaxonomyTerm
    client = client_as("coordinator")
    package = linked_example_zip()
    page = import_and_confirm(client, "linked.zip", package)
    assert "not described in the file" not in page
    assert Taxonomy.select().where(Taxonomy.uuid == uuid.UUID(TAXONOMY_ID)).count() == 1
    service = Service.get(Service.uuid == uuid.UUID(EXAMPLE_SERVICE_ID))
    [term] = [t for t in service.category_terms()]
    assert term.uuid == uuid.UUID(TERM_ID) and term.taxonomy.uuid == uuid.UUID(TAXONOMY_ID)
    assert term.vocabulary == "name"
    exported = client.get("/directory/export.zip").get_data()
    archive = zipfile.ZipFile(io.BytesIO(exported))
    for name, ours_name in (("taxonomies.csv", "taxonomies.csv"),
                            ("taxonomy_terms.csv", "taxonomy_terms.csv"),
                            ("attribute.csv", "attributes.csv")):  # HSDS 3's file name
        ours = {row["id"]: row for row in csv_rows(archive, ours_name)}
        source = zipfile.ZipFile(io.BytesIO(package)).read(name).decode()
        for original in csv.DictReader(io.StringIO(source)):
            assert {k: ours[original["id"]].get(k, "") for k in original} == original, name
    # Imported again, our own export changes nothing.
    again = client.get(upload(client, "again.zip", exported).headers["Location"]).get_data(as_text=True)
    assert "0 new, 0 changed, 1 unchanged" in again
    assert "Taxonomies and taxonomy terms: 0 new, 0 changed" in again
    assert TaxonomyTerm.get(TaxonomyTerm.uuid == uuid.UUID(TERM_ID)).taxonomy.name == "name"


def test_json_taxonomy_objects_give_terms_their_taxonomy(client_as):
    from models.directory import TaxonomyTerm
    client = client_as("coordinator")
    taxonomy = json.loads((EXAMPLES / "taxonomy.json").read_text())
    service = dict(copy.deepcopy(SERVICE_FULL),
                   attributes=[{"id": str(uuid.uuid4()), "taxonomy_term": {"id": TERM_ID}}])
    page = import_and_confirm(client, "both.json", json.dumps([taxonomy, service]).encode())
    assert "1 new" in page and "Taxonomies and taxonomy terms: 2 new" in page
    term = TaxonomyTerm.get(TaxonomyTerm.uuid == uuid.UUID(TERM_ID))
    assert term.taxonomy.name == "name" and term.service_links.count() == 1
    exported = json.loads(client.get("/directory/export.json").get_data())
    [attribute] = [a for a in exported[0]["services"][0]["attributes"]
                   if a["taxonomy_term"]["id"] == TERM_ID]
    assert attribute["taxonomy_term"]["taxonomy_id"] == TAXONOMY_ID
    assert problems(exported[0]["services"][0], "service") == []


def test_an_import_does_not_rename_pathways_categories(client_as):
    from models.directory import TaxonomyTerm
    from tests.directory_factories import category
    debt = TaxonomyTerm.get_by_id(category("Debt").id)
    renamed = {"id": str(debt.uuid), "name": "Renamed", "description": "x"}
    taxonomy = {"id": str(debt.taxonomy.uuid), "name": "Hijacked", "description": "x",
                "taxonomy_terms": [renamed]}
    page = import_and_confirm(client_as("coordinator"), "ours.json",
                              json.dumps([plain_service("Fine"), taxonomy]).encode())
    assert "One of Pathways&#39; own: kept as it is." in page
    assert TaxonomyTerm.get_by_id(debt.id).name == "Debt and money advice"
    assert TaxonomyTerm.get_by_id(debt.id).taxonomy.name == "Pathways categories"
