"""Coordinators keep every phone number and address of a service right from its edit
form: change them, add another (a blank row, or "Add another" without JavaScript) and
remove one; bad rows are explained and nothing is half-saved."""
import re

import pytest

from models.audit import AuditEvent
from models.directory import (DIRECTORY_MODELS, Address, DirectoryImport, Location, Phone,
                              Service, ServiceAtLocation)
from tests.directory_factories import make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")


def located(service: Service, address_1: str, postal_code: str = "E8 1AA") -> Address:
    location = Location.create(name=service.name)
    ServiceAtLocation.create(service=service, location=location)
    return Address.create(location=location, address_1=address_1, city="London",
                          postal_code=postal_code)


def edit_form(service: Service, **rows) -> dict:
    """The form as the edit page sends it, with `rows` (e.g. phones-1-number) on top."""
    data = {"name": service.name, "organization_name": service.organization.name,
            "description": service.description or "Advice", "status": "active",
            "version": str(Service.get_by_id(service.id).version)}
    phones = Phone.select().where(Phone.service == service).order_by(Phone.id)
    for n, phone in enumerate(phones):
        data.update({f"phones-{n}-id": str(phone.uuid), f"phones-{n}-number": phone.number,
                     f"phones-{n}-description": phone.description})
    addresses = (Address.select().join(Location).join(ServiceAtLocation)
                 .where(ServiceAtLocation.service == service).order_by(Address.id))
    for n, address in enumerate(addresses):
        data.update({f"addresses-{n}-id": str(address.uuid),
                     f"addresses-{n}-address_1": address.address_1,
                     f"addresses-{n}-city": address.city,
                     f"addresses-{n}-postal_code": address.postal_code})
    data.update(rows)
    return data


def counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in DIRECTORY_MODELS
            if m is not DirectoryImport}


def numbers(service) -> list[tuple[str, str]]:
    return [(p.number, p.description) for p in
            Phone.select().where(Phone.service == service).order_by(Phone.id)]


def addresses(service) -> list[str]:
    return [a.one_line for a in Address.select().join(Location).join(ServiceAtLocation)
            .where(ServiceAtLocation.service == service).order_by(Address.id)]


def test_the_edit_form_shows_every_number_and_address_and_a_blank_row(client_as):
    service = make_service("Hackney Advice", phone="020 7946 0001")
    Phone.create(service=service, number="07700 900123", description="Out of hours")
    located(service, "1 Mare Street")
    located(service, "9 Dalston Lane", "E8 3AZ")
    page = client_as("coordinator").get(f"/directory/services/{service.uuid}/edit").get_data(as_text=True)
    for shown in ('value="020 7946 0001"', 'value="07700 900123"', 'value="Out of hours"',
                  'value="1 Mare Street"', 'value="9 Dalston Lane"', 'name="phones-2-number"',
                  'name="addresses-2-address_1"', "Add another phone number",
                  "Add another address", 'name="phones-0-remove"'):
        assert shown in page
    assert 'name="phones-3-number"' not in page and 'name="phones-2-remove"' not in page


def test_pressing_enter_in_a_box_saves_rather_than_adding_a_row(client_as):
    """Enter in a text box presses the form's first submit button (HTML's implicit
    submission): it must be a save button, not "Add another"."""
    service = make_service("Hackney Advice", phone="020 7946 0001")
    page = client_as("coordinator").get(f"/directory/services/{service.uuid}/edit").get_data(as_text=True)
    form = page[page.index("<form method=\"post\""):]
    first_submit = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert 'name="add"' not in first_submit and 'tabindex="-1"' in first_submit
    # What that button sends (no "add") saves the service.
    client = client_as("coordinator")
    response = client.post_form(f"/directory/services/{service.uuid}/edit",
                                edit_form(service, name="Hackney Advice Line"))
    assert response.status_code in (302, 303)
    assert Service.get_by_id(service.id).name == "Hackney Advice Line"


def test_coordinator_adds_changes_and_removes_numbers_and_addresses(client_as):
    service = make_service("Hackney Advice", phone="020 7946 0001")
    second = Phone.create(service=service, number="07700 900123", description="Out of hours")
    first_uuid = Phone.get(Phone.number == "020 7946 0001").uuid
    mare = located(service, "1 Mare Street")
    located(service, "9 Dalston Lane", "E8 3AZ")
    client = client_as("coordinator")
    response = client.post_form(f"/directory/services/{service.uuid}/edit", edit_form(
        service,
        **{"phones-0-number": "020 7946 0999", "phones-0-description": "Referrals",
           "phones-1-remove": "y",
           "phones-2-number": "020 7946 0555", "phones-2-description": "Women's line",
           "addresses-0-address_1": "3 Mare Street",
           "addresses-1-remove": "y",
           "addresses-2-address_1": "Unit 4, Bohemia Place", "addresses-2-city": "London",
           "addresses-2-postal_code": "e8 1dr"}))
    assert response.status_code == 302
    assert numbers(service) == [("020 7946 0999", "Referrals"), ("020 7946 0555", "Women's line")]
    assert Phone.get(Phone.number == "020 7946 0999").uuid == first_uuid  # changed in place
    assert Phone.get_or_none(Phone.uuid == second.uuid) is None
    assert addresses(service) == ["3 Mare Street, London, E8 1AA",
                                  "Unit 4, Bohemia Place, London, E8 1DR"]
    assert Address.get_by_id(mare.id).address_1 == "3 Mare Street"
    assert Location.select().count() == 2  # the removed place went with its address
    assert AuditEvent.select().where(AuditEvent.action == "directory.service_changed").count() == 1
    page = client_as("practitioner").get(f"/directory/services/{service.uuid}").get_data(as_text=True)
    for shown in ("020 7946 0999", "020 7946 0555", "3 Mare Street", "Unit 4, Bohemia Place"):
        assert shown in page
    assert "07700 900123" not in page and "9 Dalston Lane" not in page


def test_a_new_service_can_have_several_numbers_and_addresses(client_as):
    client = client_as("manager")
    first = client.post_form("/directory/services/new", {
        "name": "Two Sites", "organization_name": "Citizens Help", "description": "Advice",
        "status": "active", "phones-0-number": "020 7946 0111", "add": "phone"})
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and Service.select().count() == 0
    assert 'value="020 7946 0111"' in page and 'name="phones-1-number"' in page
    assert "There is a problem" not in page  # adding a row is not an error
    response = client.post_form("/directory/services/new", {
        "name": "Two Sites", "organization_name": "Citizens Help", "description": "Advice",
        "status": "active", "phones-0-number": "020 7946 0111", "phones-1-number": "020 7946 0222",
        "addresses-0-address_1": "1 High Street", "addresses-0-postal_code": "N1 1AA",
        "addresses-1-address_1": "2 Low Road", "addresses-1-postal_code": "N1 2BB"})
    assert response.status_code == 302
    service = Service.get()
    assert [n for n, _ in numbers(service)] == ["020 7946 0111", "020 7946 0222"]
    assert len(addresses(service)) == 2


def test_add_another_address_keeps_what_was_typed_and_saves_nothing(client_as):
    service = make_service("Hackney Advice")
    client = client_as("coordinator")
    response = client.post_form(f"/directory/services/{service.uuid}/edit", edit_form(
        service, name="Typed but not saved", **{"addresses-0-address_1": "5 Amhurst Road",
                                                 "add": "address"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Typed but not saved"' in page and 'value="5 Amhurst Road"' in page
    assert 'name="addresses-1-address_1"' in page
    assert "A blank address row was added below. Nothing is saved until you press" in page
    assert Service.get_by_id(service.id).name == "Hackney Advice" and addresses(service) == []


def test_no_more_than_ten_numbers(client_as):
    service = make_service("Busy Line")
    for n in range(10):
        Phone.create(service=service, number=f"020 7946 00{n:02d}")
    response = client_as("coordinator").post_form(
        f"/directory/services/{service.uuid}/edit", edit_form(service, add="phone"))
    text = response.get_data(as_text=True)
    assert "A service can have up to 10 phone numbers." in text
    assert 'name="phones-10-number"' not in text


def test_a_place_shared_with_another_service_stays_when_one_leaves_it(client_as):
    service = make_service("Leaving")
    staying = make_service("Staying")
    address = located(service, "1 Shared Yard")
    ServiceAtLocation.create(service=staying, location=address.location)
    client_as("coordinator").post_form(f"/directory/services/{service.uuid}/edit",
                                       edit_form(service, **{"addresses-0-remove": "y"}))
    assert addresses(service) == [] and addresses(staying) == ["1 Shared Yard, London, E8 1AA"]
    assert Location.get_or_none(Location.id == address.location_id) is not None


@pytest.mark.parametrize("rows, message", [
    ({"phones-0-number": "0" * 41}, "Phone number must be 40 characters or fewer"),
    ({"phones-0-number": "020\x00 7946"}, "control characters"),
    ({"phones-0-description": "x" * 201}, "What the number is for must be 200 characters or fewer"),
    ({"addresses-1-city": "London"}, "Enter the first line of the address or its postcode"),
    ({"addresses-0-address_1": "<script>alert(1)</script>" * 20}, "200 characters or fewer"),
    ({"addresses-0-postal_code": "E8" * 11, "addresses-0-address_1": "1 Road"},
     "Postcode must be 20 characters or fewer"),
    ({"phones-0-id": "not-a-uuid", "phones-0-number": "1"}, "not one of this service's"),
    ({"addresses-0-id": "../../etc/passwd", "addresses-0-address_1": "x"}, "not one of this service's"),
])
def test_bad_rows_are_explained_and_nothing_is_saved(client_as, rows, message):
    service = make_service("Hackney Advice", phone="020 7946 0001")
    located(service, "1 Mare Street")
    before = counts()
    response = client_as("coordinator").post_form(
        f"/directory/services/{service.uuid}/edit",
        edit_form(service, name="Renamed", **{"phones-1-number": "020 7946 0002", **rows}))
    text = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200 and message in text
    assert 'class="nhsuk-error-summary"' in text
    assert 'href="#phones-' in text or 'href="#addresses-' in text
    assert "<script>alert(1)</script>" not in text
    assert counts() == before and Service.get_by_id(service.id).name == "Hackney Advice"
    assert numbers(service) == [("020 7946 0001", "")]


def test_another_services_number_cannot_be_taken_over_or_removed(client_as):
    service = make_service("Mine", phone="020 7946 0001")
    other = make_service("Theirs", phone="020 7946 0999")
    theirs = Phone.get(Phone.service == other)
    other_address = located(other, "9 Their Street")
    before = counts()
    client = client_as("coordinator")
    for rows in ({"phones-1-id": str(theirs.uuid), "phones-1-number": "stolen"},
                 {"phones-1-id": str(theirs.uuid), "phones-1-remove": "y"},
                 {"addresses-0-id": str(other_address.uuid), "addresses-0-remove": "y"},
                 {"phones-0-id": str(Phone.get(Phone.service == service).uuid),
                  "phones-1-id": str(Phone.get(Phone.service == service).uuid),
                  "phones-1-number": "twice"}):
        response = client.post_form(f"/directory/services/{service.uuid}/edit",
                                    edit_form(service, **rows))
        assert "not one of this service's" in response.get_data(as_text=True).replace("&#39;", "'")
    assert counts() == before
    assert Phone.get_by_id(theirs.id).number == "020 7946 0999"
    assert addresses(other) == ["9 Their Street, London, E8 1AA"]
