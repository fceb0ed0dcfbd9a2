"""Open Referral (HSDS 3 / Open Referral UK) shapes: the schemas, and services turned into
`service_full` and `organization_full` objects and back.

The UK profile is published as JSON merge patches over the HSDS 3 schema files; `schemas`
applies them, so exports and imports are checked against the profile itself.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from functools import lru_cache
from pathlib import Path

from peewee import JOIN

from models.directory import (ELIGIBILITY_TAXONOMY, ELIGIBILITY_TERMS, REFERRAL_METHODS,
                              Address, Contact, Location, Organization, Phone, Service,
                              ServiceArea, ServiceAtLocation, ServiceTerm, TaxonomyTerm,
                              borough_named, pathways_uuid)

SCHEMA_DIR = Path(__file__).parent / "hsds"
BASE = {"hsds3": "https://pathways.invalid/hsds-3/", "uk": "https://pathways.invalid/uk/"}


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch: null removes a key, objects merge, the rest replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@lru_cache(maxsize=2)
def schemas(profile: str = "uk") -> dict[str, dict]:
    """Every HSDS object schema by file name, with the UK profile applied for "uk"."""
    found = {}
    for path in sorted((SCHEMA_DIR / "hsds-3").glob("*.json")):
        if path.name == "tabular.json":
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        patch_path = SCHEMA_DIR / "uk-profile" / path.name
        if profile == "uk" and patch_path.exists():
            patch = json.loads(patch_path.read_text(encoding="utf-8"))
            if isinstance(patch, dict):  # a bare null means "not used by the profile"
                schema = merge_patch(schema, patch)
        schema["$id"] = BASE[profile] + path.name
        found[path.name] = schema
    return found


@lru_cache(maxsize=8)
def validator(kind: str, profile: str = "uk"):
    """A jsonschema validator for one HSDS object ("service", "organization", ...)."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    found = schemas(profile)
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in found.values())
    return Draft202012Validator(found[f"{kind}.json"], registry=registry,
                                format_checker=FormatChecker())


def problems(obj, kind: str = "service", profile: str = "uk", limit: int = 5) -> list[str]:
    """What is wrong with `obj` as an HSDS `kind`, in words (empty when it is valid)."""
    errors = sorted(validator(kind, profile).iter_errors(obj), key=lambda e: list(e.path))
    out = []
    for error in errors[:limit]:
        where = ".".join(str(p) for p in error.absolute_path) or kind
        out.append(f"{where}: {_explain(error)}")
    return out


def _explain(error) -> str:
    value = error.instance
    shown = json.dumps(value)[:60] if not isinstance(value, (dict, list)) else type(value).__name__
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"{shown} should be a {wanted}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")[:120]
    if error.validator == "enum":
        return f"{shown} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "format":
        return f"{shown} is not a valid {error.validator_value}"
    return error.message[:120]


# -- Pathways -> HSDS -------------------------------------------------------------------

def required(kind: str) -> set[str]:
    return set(schemas("uk")[f"{kind}.json"].get("required", []))


def compact(kind: str, data: dict) -> dict:
    """Drop empty values, except those the schema requires (kept as empty strings)."""
    keep = required(kind)
    out = {}
    for key, value in data.items():
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if value is None or value == "" or value == []:
            if key in keep:
                out[key] = "" if value is None else value
            continue
        out[key] = value
    return out


def _with_extra(data: dict, extra: dict) -> dict:
    """`data`, plus kept HSDS fields it does not already have."""
    merged = dict(extra)
    merged.update(data)
    return merged


def term_to_hsds(term: TaxonomyTerm) -> dict:
    return compact("taxonomy_term", {
        "id": str(term.uuid), "name": term.name, "description": term.description,
        "code": term.code, "parent_id": term.parent_uuid or None,
        "taxonomy": term.taxonomy_label,
        "taxonomy_id": str(term.taxonomy.uuid) if term.taxonomy_id else None,
        "term_uri": term.term_uri, "term": term.term})


def organization_to_hsds(org: Organization) -> dict:
    """An organisation without its services."""
    data = {"id": str(org.uuid), "name": org.name, "description": org.description or "",
            "email": org.email, "website": org.website}
    return compact("organization", _with_extra(data, org.extra_data))


def location_to_hsds(location: Location, service: Service | None = None) -> dict:
    addresses = [compact("address", {
        "id": str(a.uuid), "attention": a.attention, "address_1": a.address_1,
        "address_2": a.address_2, "city": a.city, "region": a.region,
        "state_province": a.state_province, "postal_code": a.postal_code,
        "country": a.country, "address_type": a.address_type})
        for a in location.addresses.order_by(Address.id)]
    extra = location.extra_data
    if "accessibility" not in extra and service is not None and service.accessibility:
        extra["accessibility"] = [{"id": str(pathways_uuid("access", location.uuid)),
                                   "description": service.accessibility}]
    data = {"id": str(location.uuid), "location_type": location.location_type,
            "name": location.name, "description": location.description,
            "latitude": location.latitude, "longitude": location.longitude,
            "addresses": addresses}
    return compact("location", _with_extra(data, extra))


def service_to_hsds(service: Service, with_organization: bool = True) -> dict:
    """The service as an Open Referral UK `service_full` object."""
    extra = service.extra_data
    sid = service.uuid
    phones = [compact("phone", {"id": str(p.uuid), "number": p.number,
                                "description": p.description, **p.extra_data})
              for p in Phone.select().where(Phone.service == service).order_by(Phone.id)]
    contacts = []
    for c in Contact.select().where(Contact.service == service).order_by(Contact.id):
        contact_phones = [compact("phone", {"id": str(p.uuid), "number": p.number,
                                            "description": p.description, **p.extra_data})
                          for p in c.phones.order_by(Phone.id)]
        contacts.append(compact("contact", _with_extra(
            {"id": str(c.uuid), "name": c.name, "title": c.title, "email": c.email,
             "phones": contact_phones}, c.extra_data)))
    areas = [compact("service_area", _with_extra(
        {"id": str(a.uuid), "name": a.name, "service_area": a.service_area}, a.extra_data))
        for a in ServiceArea.select().where(ServiceArea.service == service)
        .order_by(ServiceArea.id)]
    at_locations = []
    for sal in (ServiceAtLocation.select(ServiceAtLocation, Location).join(Location)
                .where(ServiceAtLocation.service == service).order_by(ServiceAtLocation.id)):
        at_locations.append(compact("service_at_location", _with_extra(
            {"id": str(sal.uuid), "location": location_to_hsds(sal.location, service)},
            sal.extra_data)))
    attributes = [compact("attribute", {"id": str(link.uuid), "link_type": link.link_type,
                                        "taxonomy_term": term_to_hsds(link.term)})
                  for link in ServiceTerm.select(ServiceTerm, TaxonomyTerm).join(TaxonomyTerm)
                  .where(ServiceTerm.service == service).order_by(ServiceTerm.id)]
    attributes += _detail_attributes(service)
    if "schedules" not in extra and service.opening_hours:
        extra["schedules"] = [{"id": str(pathways_uuid("hours", sid)),
                               "description": service.opening_hours}]
    if "languages" not in extra and service.languages:
        extra["languages"] = [{"id": str(pathways_uuid("language", sid, name.strip())),
                               "name": name.strip()}
                              for name in service.languages.split(",") if name.strip()]
    if "last_modified" not in extra:
        extra["last_modified"] = service.updated_at.replace(microsecond=0).isoformat() + "Z"
    assurer = service.assurer_email or (service.verified_by.email if service.verified_by_id
                                        else "")
    data = {
        "id": str(sid), "name": service.name, "description": service.description,
        "url": service.url, "email": service.email, "status": service.status,
        "application_process": service.how_to_refer,
        "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
        "assured_date": service.verified_on.isoformat() if service.verified_on else None,
        "assurer_email": assurer, "phones": phones, "service_areas": areas,
        "service_at_locations": at_locations, "contacts": contacts, "attributes": attributes,
    }
    if with_organization:
        data["organization"] = organization_to_hsds(service.organization)
    return compact("service", _with_extra(data, extra))


def _detail_attributes(service: Service) -> list[dict]:
    """Eligibility flags and referral methods as attributes with Pathways' own terms."""
    taxonomy_slug, taxonomy_label = ELIGIBILITY_TAXONOMY
    out = []
    for slug, label, what in ELIGIBILITY_TERMS:
        if what.startswith("method:"):
            on = what.split(":", 1)[1] in service.method_keys
        else:
            on = bool(getattr(service, what))
        if on:
            out.append({"id": str(pathways_uuid("attribute", service.uuid, slug)),
                        "link_type": "eligibility",
                        "taxonomy_term": {
                            "id": str(pathways_uuid("eligibility", slug)), "name": label,
                            "description": label, "taxonomy": taxonomy_label,
                            "taxonomy_id": str(pathways_uuid("taxonomy", taxonomy_slug)),
                            "term": label}})
    return out


def organization_full(org: Organization, services) -> dict:
    data = organization_to_hsds(org)
    data["services"] = [service_to_hsds(s, with_organization=False) for s in services]
    return data


def export_organizations(include_archived: bool = False) -> list[dict]:
    """Every organisation with its services, as Open Referral `organization_full` objects."""
    query = Service.select().order_by(Service.organization, Service.name, Service.id)
    if not include_archived:
        query = query.where(Service.archived_at.is_null())
    by_org: dict[int, list[Service]] = {}
    for service in query:
        by_org.setdefault(service.organization_id, []).append(service)
    orgs = Organization.select().where(Organization.id.in_(list(by_org) or [0]))
    return [organization_full(org, by_org[org.id]) for org in orgs.order_by(Organization.name)]


# -- HSDS -> Pathways -------------------------------------------------------------------

# The service fields Pathways stores in its own columns; everything else is kept in extra.
SERVICE_COLUMNS = {"id", "name", "description", "url", "email", "status", "minimum_age",
                   "maximum_age", "assured_date", "assurer_email", "application_process",
                   "phones", "service_areas", "service_at_locations", "contacts", "attributes",
                   "organization", "organization_id"}
ORGANIZATION_COLUMNS = {"id", "name", "description", "email", "website", "services"}
LOCATION_COLUMNS = {"id", "location_type", "name", "description", "latitude", "longitude",
                    "addresses"}


def _text(value, limit: int) -> str:
    return ("" if value is None else str(value))[:limit]


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


DETAIL_TERMS = {pathways_uuid("eligibility", slug): what for slug, _, what in ELIGIBILITY_TERMS}


def upsert_organization(data: dict) -> Organization:
    org = Organization.get_or_none(Organization.uuid == _uuid(data["id"])) or Organization(
        uuid=_uuid(data["id"]))
    org.name = _text(data.get("name"), 200)
    org.description = _text(data.get("description"), 100_000)
    org.email = _text(data.get("email"), 254)
    org.website = _text(data.get("website"), 500)
    org.set_extra({k: v for k, v in data.items() if k not in ORGANIZATION_COLUMNS})
    org.updated_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    org.save()
    return org


def taxonomy_to_hsds(taxonomy) -> dict:
    return compact("taxonomy", {"id": str(taxonomy.uuid), "name": taxonomy.name,
                                "description": taxonomy.description, "uri": taxonomy.uri,
                                "version": taxonomy.version})


def upsert_taxonomy(data: dict):
    """The taxonomy with this id, made or updated from `data` (Pathways' own are kept)."""
    from models.directory import Taxonomy
    taxonomy = Taxonomy.get_or_none(Taxonomy.uuid == _uuid(data["id"]))
    if taxonomy is not None and taxonomy.is_pathways:
        return taxonomy
    taxonomy = taxonomy or Taxonomy(uuid=_uuid(data["id"]))
    taxonomy.name = _text(data.get("name"), 200)
    taxonomy.description = _text(data.get("description"), 10_000)
    taxonomy.uri = _text(data.get("uri"), 500)
    taxonomy.version = _text(data.get("version"), 60)
    taxonomy.save()
    return taxonomy


def taxonomy_of_term(data: dict):
    """The taxonomy a term's `taxonomy_id` names. One that is neither in the directory
    nor in the file is recorded under the term's free-text `taxonomy` name, so the term
    keeps its vocabulary and its `taxonomy_id` is exported back."""
    from models.directory import Taxonomy
    if not data.get("taxonomy_id"):
        return None
    key = _uuid(data["taxonomy_id"])
    return Taxonomy.get_or_none(Taxonomy.uuid == key) or Taxonomy.create(
        uuid=key, name=_text(data.get("taxonomy") or "Imported taxonomy", 200))


def upsert_term(data: dict, update: bool = False) -> TaxonomyTerm:
    """The term with this id; made from `data` when it is new. A known term is changed
    only when `update` is set (a term listed in its own right, e.g. in
    taxonomy_terms.csv, not one repeated inside a service) and never when it is one of
    Pathways' own: an import does not rename Pathways' categories. Its mapping onto a
    category stays."""
    term = TaxonomyTerm.get_or_none(TaxonomyTerm.uuid == _uuid(data["id"]))
    if term is not None and (term.is_pathways or not update):
        if term.taxonomy_id is None and not term.is_pathways and data.get("taxonomy_id"):
            term.taxonomy = taxonomy_of_term(data)
            term.save()
        return term
    term = term or TaxonomyTerm(uuid=_uuid(data["id"]))
    term.taxonomy = taxonomy_of_term(data)
    term.name = _text(data.get("name"), 200)
    term.description = _text(data.get("description"), 10_000)
    term.code = _text(data.get("code"), 100)
    term.term = _text(data.get("term"), 200)
    term.parent_uuid = _text(data.get("parent_id"), 36)
    term.taxonomy_label = _text(data.get("taxonomy"), 200)
    term.term_uri = _text(data.get("term_uri"), 500)
    term.save()
    return term


def upsert_location(data: dict) -> Location:
    location = Location.get_or_none(Location.uuid == _uuid(data["id"])) or Location(
        uuid=_uuid(data["id"]))
    location.name = _text(data.get("name"), 200)
    location.description = _text(data.get("description"), 100_000)
    location.location_type = _text(data.get("location_type") or "physical", 20)
    location.latitude = data.get("latitude")
    location.longitude = data.get("longitude")
    location.set_extra({k: v for k, v in data.items() if k not in LOCATION_COLUMNS})
    location.save()
    Address.delete().where(Address.location == location).execute()
    for a in data.get("addresses") or []:
        Address.delete().where(Address.uuid == _uuid(a["id"])).execute()
        Address.create(uuid=_uuid(a["id"]), location=location,
                       **{k: _text(a.get(k), 200 if k != "country" else 2) for k in (
                           "attention", "address_1", "address_2", "city", "region",
                           "state_province", "postal_code", "country", "address_type")})
    return location


def upsert_service(data: dict, organization: Organization) -> Service:
    """Create or replace the service described by the HSDS object `data` (call inside
    writing()). Its phones, contacts, areas, locations and terms become those of `data`."""
    service = Service.get_or_none(Service.uuid == _uuid(data["id"])) or Service(
        uuid=_uuid(data["id"]))
    service.organization = organization
    service.name = _text(data.get("name"), 200)
    service.description = _text(data.get("description"), 100_000)
    service.url = _text(data.get("url"), 500)
    service.email = _text(data.get("email"), 254)
    service.status = data.get("status") or "active"
    service.minimum_age = data.get("minimum_age")
    service.maximum_age = data.get("maximum_age")
    service.how_to_refer = _text(data.get("application_process"), 100_000)
    assured = data.get("assured_date")
    service.verified_on = dt.date.fromisoformat(assured[:10]) if assured else None
    service.assurer_email = _text(data.get("assurer_email"), 254)
    service.verified_by = None
    extra = {k: v for k, v in data.items() if k not in SERVICE_COLUMNS}
    service.set_extra(extra)
    service.opening_hours = "; ".join(s.get("description", "") for s in extra.get("schedules", [])
                                      if s.get("description"))[:10_000]
    service.languages = ", ".join(lang.get("name", "") for lang in extra.get("languages", [])
                                  if lang.get("name"))[:300]
    accessibility = []
    for sal in data.get("service_at_locations") or []:
        for item in (sal.get("location") or {}).get("accessibility") or []:
            text = item.get("description") or item.get("accessibility")
            if text and text not in accessibility:
                accessibility.append(text)
    service.accessibility = "\n".join(accessibility)[:10_000]
    flags = {"women_only": False, "probation_only": False, "self_referral": False}
    methods = []
    term_links = []
    for attribute in data.get("attributes") or []:
        term_data = attribute.get("taxonomy_term") or {"id": attribute.get("taxonomy_term_id")}
        what = DETAIL_TERMS.get(_uuid(term_data["id"]))
        if what and what.startswith("method:"):
            methods.append(what.split(":", 1)[1])
        elif what:
            flags[what] = True
        else:
            term_links.append((attribute, term_data))
    for name, value in flags.items():
        setattr(service, name, value)
    service.referral_methods = ",".join(m for m in REFERRAL_METHODS if m in methods)
    service.updated_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    if service.id:
        service.version += 1
    service.save()

    # Children are replaced wholesale: the file is the source of truth for them.
    for model in (ServiceTerm, ServiceArea, Contact, Phone):
        model.delete().where(model.service == service).execute()
    ServiceAtLocation.delete().where(ServiceAtLocation.service == service).execute()
    for p in data.get("phones") or []:
        _replace(Phone, p["id"])
        Phone.create(uuid=_uuid(p["id"]), service=service, number=_text(p.get("number"), 60),
                     description=_text(p.get("description"), 10_000),
                     extra=_extra_json({k: v for k, v in p.items()
                                        if k not in ("id", "number", "description")}))
    for c in data.get("contacts") or []:
        _replace(Contact, c["id"])
        contact = Contact.create(uuid=_uuid(c["id"]), service=service,
                                 name=_text(c.get("name"), 200), title=_text(c.get("title"), 200),
                                 email=_text(c.get("email"), 254),
                                 extra=_extra_json({k: v for k, v in c.items() if k not in (
                                     "id", "name", "title", "email", "phones")}))
        for p in c.get("phones") or []:
            _replace(Phone, p["id"])
            Phone.create(uuid=_uuid(p["id"]), contact=contact, number=_text(p.get("number"), 60),
                         description=_text(p.get("description"), 10_000),
                         extra=_extra_json({k: v for k, v in p.items()
                                            if k not in ("id", "number", "description")}))
    for a in data.get("service_areas") or []:
        _replace(ServiceArea, a["id"])
        ServiceArea.create(uuid=_uuid(a["id"]), service=service, name=_text(a.get("name"), 300),
                           service_area=_text(a.get("service_area"), 10_000),
                           borough=borough_named(a.get("name")) or borough_named(
                               a.get("service_area")),
                           extra=_extra_json({k: v for k, v in a.items()
                                              if k not in ("id", "name", "service_area")}))
    for sal in data.get("service_at_locations") or []:
        location = upsert_location(sal["location"])
        _replace(ServiceAtLocation, sal["id"])
        ServiceAtLocation.create(uuid=_uuid(sal["id"]), service=service, location=location,
                                 extra=_extra_json({k: v for k, v in sal.items()
                                                    if k not in ("id", "location")}))
    seen = set()
    for attribute, term_data in term_links:
        term = upsert_term(term_data)
        if term.id in seen:
            continue
        seen.add(term.id)
        _replace(ServiceTerm, attribute["id"])
        ServiceTerm.create(uuid=_uuid(attribute["id"]), service=service, term=term,
                           link_type=_text(attribute.get("link_type"), 60))
    service.refresh_search_text()
    service.save(only=[Service.search_text])
    return service


def _replace(model, value) -> None:
    """Free a UUID held by a row elsewhere (an object moved to another service)."""
    model.delete().where(model.uuid == _uuid(value)).execute()


def _extra_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False) if data else ""


def vocabulary() -> tuple[list[dict], list[dict]]:
    """Every taxonomy and taxonomy term in the directory (Pathways' own and imported ones),
    for taxonomies.csv and taxonomy_terms.csv: imported terms keep their vocabulary."""
    from models.directory import Taxonomy
    taxonomies = [taxonomy_to_hsds(t) for t in Taxonomy.select().order_by(Taxonomy.id)]
    terms = [term_to_hsds(t) for t in TaxonomyTerm.select(TaxonomyTerm, Taxonomy)
             .join(Taxonomy, join_type=JOIN.LEFT_OUTER).order_by(TaxonomyTerm.id)]
    return taxonomies, terms
