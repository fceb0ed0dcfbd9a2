"""Saving a service from its form: the service row and the HSDS rows around it (its
organisation, phone numbers, addresses, boroughs and categories)."""
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


def service_phones(service: Service) -> list[Phone]:
    """The service's own phone numbers (its contacts' numbers are theirs), oldest first."""
    if not service.id:
        return []
    return list(Phone.select().where(Phone.service == service).order_by(Phone.id))


def service_addresses(service: Service) -> list[Address]:
    """The addresses of the places the service is offered at, oldest first."""
    if not service.id:
        return []
    return list(Address.select().join(Location).join(ServiceAtLocation)
                .where(ServiceAtLocation.service == service).order_by(Address.id))


def form_data_for(service: Service) -> dict:
    """What the edit form starts with: every phone number and address, and one blank row
    of each for adding another."""
    data = {name: getattr(service, name) for name in SIMPLE_FIELDS}
    data.update(
        organization_name=service.organization.name,
        categories=[str(t.uuid) for t in service.category_terms() if t.is_category],
        boroughs=service.boroughs(), referral_methods=service.method_keys,
        phones=[{"id": str(p.uuid), "number": p.number, "description": p.description}
                for p in service_phones(service)] + [{}],
        addresses=[{"id": str(a.uuid), "address_1": a.address_1, "address_2": a.address_2,
                    "city": a.city, "postal_code": a.postal_code}
                   for a in service_addresses(service)] + [{}],
        version=str(service.version))
    return data


def save_phones(service: Service, rows) -> None:
    """Make the service's phone numbers those of the form's rows: a row with an id
    changes (or, ticked "remove" or emptied, removes) that number, a new row adds one.
    The form has checked that every id is one of this service's."""
    own = {str(p.uuid): p for p in service_phones(service)}
    for entry in rows:
        row = entry.form
        number = (row.number.data or "").strip()
        description = (row.description.data or "").strip()
        phone = own.get((row.id.data or "").strip())
        if phone is not None:
            if row.remove.data or not number:
                phone.delete_instance()
            elif (phone.number, phone.description) != (number, description):
                phone.number, phone.description = number, description
                phone.save()
        elif number and not row.remove.data:
            Phone.create(service=service, number=number, description=description)


def _forget_location_if_unused(location_id: int, service: Service) -> None:
    """Once a place has no address left, the service is no longer offered there; the
    place itself goes when no other service is offered there either."""
    if Address.select().where(Address.location == location_id).exists():
        return
    ServiceAtLocation.delete().where((ServiceAtLocation.location == location_id)
                                     & (ServiceAtLocation.service == service)).execute()
    if not ServiceAtLocation.select().where(ServiceAtLocation.location == location_id).exists():
        Location.delete().where(Location.id == location_id).execute()


def save_addresses(service: Service, rows) -> None:
    """Make the service's addresses those of the form's rows (as save_phones does). A new
    address is a new place the service is offered at."""
    own = {str(a.uuid): a for a in service_addresses(service)}
    for entry in rows:
        row = entry.form
        lines = row.lines
        address = own.get((row.id.data or "").strip())
        if address is not None:
            if row.remove.data or not any(lines.values()):
                location_id = address.location_id
                shared = (ServiceAtLocation.select()
                          .where((ServiceAtLocation.location == location_id)
                                 & (ServiceAtLocation.service != service)).exists())
                if shared:  # another service is still offered there: only leave the place
                    ServiceAtLocation.delete().where(
                        (ServiceAtLocation.location == location_id)
                        & (ServiceAtLocation.service == service)).execute()
                else:
                    address.delete_instance()
                    _forget_location_if_unused(location_id, service)
            elif any(getattr(address, k) != v for k, v in lines.items()):
                for key, value in lines.items():
                    setattr(address, key, value)
                address.save()
        elif any(lines.values()) and not row.remove.data:
            location = Location.create(name=service.name, location_type="physical")
            ServiceAtLocation.create(service=service, location=location)
            Address.create(location=location, address_type="physical", country="GB", **lines)


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

    save_phones(service, form.phones)
    save_addresses(service, form.addresses)

    chosen = set(form.categories.data or [])
    service.set_categories([t for t in TaxonomyTerm.categories() if str(t.uuid) in chosen])
    service.set_boroughs(form.boroughs.data or [])
    service.refresh_search_text()
    service.save(only=[Service.search_text])
    return service
