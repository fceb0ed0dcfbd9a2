"""Saving a service from its form: the service row and the HSDS rows around it (its
organisation, main phone, main address, boroughs and categories)."""
from __future__ import annotations

from peewee import fn

from models.base import utcnow
from models.directory import (Address, Location, Organization, Phone, Service,
                              ServiceAtLocation, TaxonomyTerm)

SIMPLE_FIELDS = ("name", "description", "status", "minimum_age", "maximum_age", "women_only",
                 "probation_only", "self_referral", "how_to_refer", "email", "url",
                 "languages", "opening_hours", "accessibility")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def organization_named(name: str) -> Organization:
    """The organisation with this name (whatever its case), made if it is new."""
    name = " ".join(name.split())
    found = Organization.get_or_none(fn.LOWER(Organization.name) == name.lower())
    return found or Organization.create(name=name)


def main_phone(service: Service) -> Phone | None:
    return (Phone.select().where(Phone.service == service).order_by(Phone.id).first()
            if service.id else None)


def main_address(service: Service) -> Address | None:
    if not service.id:
        return None
    return (Address.select().join(Location).join(ServiceAtLocation)
            .where(ServiceAtLocation.service == service).order_by(Address.id).first())


def form_data_for(service: Service) -> dict:
    """What the edit form starts with."""
    phone, address = main_phone(service), main_address(service)
    data = {name: getattr(service, name) for name in SIMPLE_FIELDS}
    data.update(
        organization_name=service.organization.name,
        categories=[str(t.uuid) for t in service.category_terms() if t.is_category],
        boroughs=service.boroughs(), referral_methods=service.method_keys,
        phone=phone.number if phone else "",
        address_1=address.address_1 if address else "", city=address.city if address else "",
        postal_code=address.postal_code if address else "", version=str(service.version))
    return data


def save_service_form(service: Service, form) -> Service:
    """Copy the form onto `service` and its HSDS rows (call inside writing())."""
    for name in SIMPLE_FIELDS:
        setattr(service, name, _clean(getattr(form, name).data))
    for name in ("how_to_refer", "email", "url", "languages", "opening_hours",
                 "accessibility", "description"):
        setattr(service, name, getattr(service, name) or "")
    service.referral_methods = ",".join(form.referral_methods.data or [])
    service.organization = organization_named(form.organization_name.data)
    service.updated_at = utcnow()
    extra = service.extra_data
    extra.pop("last_modified", None)  # changed here: exported with our own time from now on
    service.set_extra(extra)
    service.save()

    number = (form.phone.data or "").strip()
    phone = main_phone(service)
    if number and phone:
        phone.number = number
        phone.save()
    elif number:
        Phone.create(service=service, number=number, description="Referrals")
    elif phone:
        phone.delete_instance()

    address = main_address(service)
    lines = {"address_1": (form.address_1.data or "").strip(), "city": (form.city.data or "").strip(),
             "postal_code": (form.postal_code.data or "").strip().upper()}
    if any(lines.values()):
        if address is None:
            location = Location.create(name=service.name, location_type="physical")
            ServiceAtLocation.create(service=service, location=location)
            address = Address(location=location, address_type="physical", country="GB")
        for key, value in lines.items():
            setattr(address, key, value)
        address.save()

    chosen = set(form.categories.data or [])
    service.set_categories([t for t in TaxonomyTerm.categories() if str(t.uuid) in chosen])
    service.set_boroughs(form.boroughs.data or [])
    service.refresh_search_text()
    service.save(only=[Service.search_text])
    return service
