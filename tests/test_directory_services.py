"""Coordinators and managers keep the directory right: add, edit, verify and archive
services, every change audited; practitioners read."""
import datetime as dt

import pytest

from models.audit import AuditEvent
from models.directory import Organization, Phone, Service
from tests.directory_factories import category, make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")


def service_form(**overrides):
    data = {"name": "Brixton Debt Clinic", "organization_name": "Citizens Help",
            "description": "Free debt advice, same-week appointments.",
            "categories": [str(category("Debt").uuid)], "boroughs": ["Lambeth"],
            "referral_methods": ["phone", "email"], "how_to_refer": "Call and ask for the duty adviser.",
            "phones-0-number": "020 7946 0123", "email": "referrals@citizens.example",
            "url": "https://citizens.example/refer", "addresses-0-address_1": "1 Acre Lane",
            "addresses-0-city": "London", "addresses-0-postal_code": "sw2 5su",
            "languages": "English, Portuguese",
            "opening_hours": "Mon-Fri 9-5", "accessibility": "Step-free", "status": "active",
            "minimum_age": "18", "maximum_age": ""}
    data.update(overrides)
    return data


def test_coordinator_adds_a_service_and_it_is_found(client_as):
    client = client_as("coordinator")
    response = client.post_form("/directory/services/new", service_form(women_only="y"))
    service = Service.get(Service.name == "Brixton Debt Clinic")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/directory/services/{service.uuid}")
    assert service.organization.name == "Citizens Help" and service.women_only
    assert service.boroughs() == ["Lambeth"] and service.method_keys == ["phone", "email"]
    assert Phone.get(Phone.service == service).number == "020 7946 0123"
    assert service.verified_on == dt.date.today()
    assert AuditEvent.get(AuditEvent.action == "directory.service_created").object_id == str(service.uuid)
    page = client_as("practitioner").get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    for shown in ("Brixton Debt Clinic", "Citizens Help", "020 7946 0123", "SW2 5SU",
                  "Call and ask for the duty adviser.", "Lambeth", "Debt and money advice"):
        assert shown in page
    found = client_as("practitioner").hx_get("/directory/?q=portuguese").get_data(as_text=True)
    assert "Brixton Debt Clinic" in found


def test_an_existing_organisation_is_reused_whatever_its_case(client_as):
    make_service("Existing", organization="Citizens Help")
    client_as("manager").post_form("/directory/services/new",
                                   service_form(organization_name="citizens help"))
    assert Organization.select().count() == 1


def test_editing_changes_the_service_and_is_audited(client_as):
    service = make_service("Old Name", categories=["Housing"], boroughs=["Hackney"])
    client = client_as("coordinator")
    form = client.get(f"/directory/services/{service.uuid}/edit").get_data(as_text=True)
    assert 'value="Old Name"' in form
    response = client.post_form(f"/directory/services/{service.uuid}/edit",
                                service_form(name="New Name", version=str(service.version)))
    assert response.status_code == 302
    stored = Service.get_by_id(service.id)
    assert stored.name == "New Name" and stored.boroughs() == ["Lambeth"]
    assert [t.name for t in stored.category_terms()] == ["Debt and money advice"]
    assert AuditEvent.select().where(AuditEvent.action == "directory.service_changed").count() == 1


def test_a_stale_edit_is_refused(client_as):
    service = make_service("Shared Service")
    client = client_as("coordinator")
    version = str(service.version)
    client.post_form(f"/directory/services/{service.uuid}/edit",
                     service_form(name="First", version=version))
    response = client.post_form(f"/directory/services/{service.uuid}/edit",
                                service_form(name="Second", version=version))
    assert "Someone else changed this service" in response.get_data(as_text=True)
    assert Service.get_by_id(service.id).name == "First"


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Enter the service name"),
    ({"name": "x" * 201}, "200 characters or fewer"),
    ({"description": ""}, "Describe what the service offers"),
    ({"minimum_age": "eighteen"}, "Enter the youngest age as a whole number"),
    ({"minimum_age": "30", "maximum_age": "20"}, "must not be below the youngest age"),
    ({"email": "not-an-email"}, "correct format"),
    ({"url": "javascript:alert(1)"}, "starting with https://"),
    ({"boroughs": ["../../etc"]}, "Choose boroughs served from the list"),
    ({"categories": ["' OR 1=1 --"]}, "Choose categories from the list"),
    ({"name": "Bad\x00name"}, "control characters"),
    ({"status": "open"}, "Not a valid choice"),
])
def test_bad_service_details_are_explained_and_nothing_is_stored(client_as, overrides, message):
    response = client_as("coordinator").post_form("/directory/services/new",
                                                  service_form(**overrides))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and message in text.replace("&#39;", "'")
    assert 'class="nhsuk-error-summary"' in text
    assert Service.select().count() == 0 and Organization.select().count() == 0


def test_script_in_a_service_is_shown_as_text(client_as):
    client_as("coordinator").post_form("/directory/services/new",
                                       service_form(name="<script>alert(1)</script>"))
    service = Service.get()
    page = client_as("practitioner").get(f"/directory/services/{service.uuid}")
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    listing = client_as("practitioner").get("/directory/?q=script").get_data(as_text=True)
    assert "&lt;<mark>script</mark>&gt;" in listing and "<script>alert" not in listing


def test_verify_records_today_and_who(client_as, users):
    service = make_service("Stale", verified_on=dt.date(2020, 1, 1))
    assert service.is_stale()
    client_as("manager").post_form(f"/directory/services/{service.uuid}/verify")
    stored = Service.get_by_id(service.id)
    assert stored.verified_on == dt.date.today() and stored.verified_by_id == users["manager"].id
    assert not stored.is_stale()
    assert AuditEvent.select().where(AuditEvent.action == "directory.service_verified").count() == 1


def test_archive_hides_a_service_from_search_and_restore_brings_it_back(client_as):
    service = make_service("Closing Soon Project", description="housing")
    client = client_as("coordinator")
    client.post_form(f"/directory/services/{service.uuid}/archive")
    assert Service.get_by_id(service.id).is_archived
    assert "Closing Soon" not in client.hx_get("/directory/?q=closing").get_data(as_text=True)
    assert "Archived" in client.get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    client.post_form(f"/directory/services/{service.uuid}/archive")
    assert not Service.get_by_id(service.id).is_archived
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-2:] == ["directory.service_archived", "directory.service_restored"]


def test_practitioners_read_but_do_not_change(client_as):
    service = make_service("Read Only")
    client = client_as("practitioner")
    assert client.get(f"/directory/services/{service.uuid}").status_code == 200
    assert "Edit service" not in client.get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    assert client.get("/directory/services/new").status_code == 403
    assert client.post_form(f"/directory/services/{service.uuid}/verify").status_code == 403
    assert client.post_form(f"/directory/services/{service.uuid}/archive").status_code == 403
    assert not Service.get_by_id(service.id).is_archived


def test_unknown_service_is_404(client_as):
    assert client_as("practitioner").get(
        "/directory/services/00000000-0000-4000-8000-000000000000").status_code == 404
