"""Coordinators and managers map the terms of imported taxonomies onto Pathways'
categories; services carrying a mapped term are then found under that category."""
import uuid

import pytest

from models.audit import AuditEvent
from models.directory import Service, ServiceTerm, Taxonomy, TaxonomyTerm
from tests.directory_factories import category, make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")


def imported_term(name: str, vocabulary: str = "Local Government Service Types") -> TaxonomyTerm:
    taxonomy = (Taxonomy.get_or_none(Taxonomy.name == vocabulary)
                or Taxonomy.create(name=vocabulary, uri="https://example.org/lgsl"))
    return TaxonomyTerm.create(name=name, taxonomy=taxonomy, code=name[:3].upper(),
                               description=f"{name}, as the council lists it")


def carrying(service: Service, term: TaxonomyTerm) -> Service:
    ServiceTerm.create(service=service, term=term, link_type="imported")
    service.refresh_search_text()
    service.save()
    return service


def field(term: TaxonomyTerm) -> str:
    return "term_" + term.uuid.hex


def test_coordinator_maps_an_imported_term_and_its_services_are_found_under_the_category(client_as):
    term = carrying_term = imported_term("Money advice")  # noqa: F841
    other = imported_term("Tenancy support")
    service = carrying(make_service("Council Money Desk"), carrying_term)
    housing_only = make_service("Hostel Line", categories=["Housing"])
    debt = category("Debt")
    client = client_as("coordinator")
    practitioner = client_as("practitioner")
    before = practitioner.get(f"/directory/?category={debt.uuid}").get_data(as_text=True)
    assert "Council Money Desk" not in before

    page = client.get("/directory/terms").get_data(as_text=True)
    assert "2 imported terms not mapped yet" in page
    assert "Money advice" in page and "Tenancy support" in page
    assert "Local Government Service Types" in page and f'name="{field(term)}"' in page
    response = client.post_form("/directory/terms", {field(term): str(debt.uuid),
                                                     field(other): ""})
    assert response.status_code == 302
    assert TaxonomyTerm.get_by_id(term.id).maps_to_id == debt.id
    assert TaxonomyTerm.get_by_id(other.id).maps_to_id is None
    event = AuditEvent.get(AuditEvent.action == "directory.term_mapped")
    assert event.object_id == str(term.uuid) and event.detail == "category=debt-money"
    assert AuditEvent.select().where(AuditEvent.action == "directory.term_mapped").count() == 1

    after = practitioner.get(f"/directory/?category={debt.uuid}").get_data(as_text=True)
    assert "Council Money Desk" in after and "Hostel Line" not in after
    fragment = practitioner.hx_get(f"/directory/?category={debt.uuid}&q=money").get_data(as_text=True)
    assert "1 service found" in fragment and "<mark>Money</mark> Desk" in fragment
    # The category's name now finds the service too.
    assert "Council Money Desk" in practitioner.hx_get("/directory/?q=debt").get_data(as_text=True)
    assert housing_only.name not in after
    detail = practitioner.get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    assert "Money advice (counted as Debt and money advice)" in detail
    # The mapped term has left the "not mapped yet" list.
    page = client.get("/directory/terms").get_data(as_text=True)
    assert "1 imported term not mapped yet" in page and f'name="{field(term)}"' not in page
    assert service.id


def test_a_manager_changes_and_removes_a_mapping_from_the_full_list(client_as):
    term = imported_term("Housing options")
    term.maps_to = category("Housing").id
    term.save()
    client = client_as("manager")
    page = client.get("/directory/terms?show=all").get_data(as_text=True)
    assert "Housing options" in page and "selected" in page
    client.post_form("/directory/terms", {"show": "all", field(term): ""})
    assert TaxonomyTerm.get_by_id(term.id).maps_to_id is None
    assert AuditEvent.get(AuditEvent.action == "directory.term_mapped").detail == "not mapped"


def test_pathways_own_terms_are_not_listed_for_mapping(client_as):
    page = client_as("coordinator").get("/directory/terms?show=all").get_data(as_text=True)
    assert "No taxonomy terms have been imported" in page
    assert "Women only" not in page and 'name="term_' not in page


def test_terms_imported_from_a_file_are_listed_with_their_taxonomy(client_as):
    import json
    from pathlib import Path
    examples = Path(__file__).parent / "data" / "hsds" / "examples"
    client = client_as("coordinator")
    upload = client.post_form("/directory/import", {
        "upload": (__import__("io").BytesIO((examples / "taxonomy.json").read_bytes()), "t.json")},
        content_type="multipart/form-data")
    client.post_form(upload.headers["Location"], {"action": "apply"})
    term = TaxonomyTerm.get(TaxonomyTerm.uuid == uuid.UUID(
        json.loads((examples / "taxonomy.json").read_text())["taxonomy_terms"][0]["id"]))
    page = client.get("/directory/terms").get_data(as_text=True)
    assert f'name="{field(term)}"' in page and term.taxonomy.name in page


@pytest.mark.parametrize("posted", [
    lambda own, term: {field(own): str(category("Housing").uuid)},     # Pathways' own term
    lambda own, term: {"term_" + uuid.uuid4().hex: str(category("Housing").uuid)},  # unknown
    lambda own, term: {"term_../../etc/passwd": ""},                  # not a UUID
    lambda own, term: {"term_" + "zz" * 16: ""},
    lambda own, term: {field(term): str(category("Housing").uuid),
                       **{"term_" + uuid.uuid4().hex: "" for _ in range(60)}},  # too many
    lambda own, term: {},                                             # nothing at all
])
def test_a_form_naming_anything_but_imported_terms_changes_nothing(client_as, posted):
    term = imported_term("Benefits advice")
    own = TaxonomyTerm.get_by_id(category("Debt").id)
    response = client_as("coordinator").post_form("/directory/terms", posted(own, term))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not an imported taxonomy term" in text and "Nothing has been changed" in text
    assert TaxonomyTerm.select().where(TaxonomyTerm.maps_to.is_null(False)).count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "directory.term_mapped").count() == 0


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "6b1f0c52-3d7e-4a8b-9c1d-2e3f4a5b6c7d", "x" * 5000,
                                   "\x00", "housing"])
def test_a_category_that_is_not_ours_is_refused_with_a_message(client_as, value):
    term = imported_term("Benefits advice")
    second = imported_term("Food banks")
    response = client_as("coordinator").post_form(
        "/directory/terms", {field(second): str(category("Benefits").uuid), field(term): value})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose one of Pathways&#39; categories, or “Not mapped”" in text
    assert f'href="#{field(term)}"' in text and "<script>alert(1)" not in text
    # Nothing half-written: the valid line of the same form is not saved either.
    assert TaxonomyTerm.get_by_id(second.id).maps_to_id is None
    assert AuditEvent.select().where(AuditEvent.action == "directory.term_mapped").count() == 0


def test_without_the_form_token_nothing_is_mapped(client_as):
    term = imported_term("Benefits advice")
    client = client_as("coordinator")
    response = client.post("/directory/terms", data={field(term): str(category("Benefits").uuid)})
    assert response.status_code in (200, 400)
    assert TaxonomyTerm.get_by_id(term.id).maps_to_id is None


@pytest.mark.parametrize("role", ["practitioner", "trainer", "admin"])
def test_only_coordinators_and_managers_map_terms(client_as, role):
    term = imported_term("Benefits advice")
    client = client_as(role)
    assert client.get("/directory/terms").status_code == 403
    assert client.post_form("/directory/terms", {field(term): str(category("Benefits").uuid)}
                            ).status_code == 403
    assert TaxonomyTerm.get_by_id(term.id).maps_to_id is None


def test_long_lists_are_shown_fifty_terms_at_a_time(client_as):
    for n in range(55):
        imported_term(f"Term {n:02d}")
    client = client_as("coordinator")
    first = client.get("/directory/terms").get_data(as_text=True)
    assert first.count('name="term_') == 50 and "More terms" in first
    second = client.get("/directory/terms?page=2").get_data(as_text=True)
    assert second.count('name="term_') == 5 and "Previous terms" in second


def test_a_file_of_taxonomies_alone_can_be_imported(client_as):
    import io
    import json
    from pathlib import Path
    examples = Path(__file__).parent / "data" / "hsds" / "examples"
    client = client_as("manager")
    upload = client.post_form("/directory/import", {
        "upload": (io.BytesIO((examples / "taxonomy.json").read_bytes()), "t.json")},
        content_type="multipart/form-data")
    page = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert "Import 2 taxonomies and terms" in page
    client.post_form(upload.headers["Location"], {"action": "apply"})
    assert Taxonomy.select().where(Taxonomy.uuid == uuid.UUID(
        json.loads((examples / "taxonomy.json").read_text())["id"])).count() == 1
