"""Importing Open Referral files: read (with size limits checked before parsing), check
every service against the UK profile and Pathways' own rules, preview what would change,
and apply on confirmation in one transaction."""
from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field

from models.directory import Organization, Service, TaxonomyTerm

from .hsds import (problems, service_to_hsds, term_to_hsds, upsert_organization,
                   upsert_service)
from .tabular import PackageRefused, read_package

IMPORT_MAX_BYTES = 10 * 1024 * 1024
LIMITS = {"name": 200, "url": 500, "email": 254}


class ImportRefused(ValueError):
    """The file cannot be imported at all; str() is the message for the user."""


@dataclass
class Row:
    """One service of the file and what importing it would do."""
    number: int
    id: str
    name: str
    status: str  # new, changed, unchanged, invalid
    reasons: list[str] = field(default_factory=list)
    data: dict | None = None


def read_upload(storage) -> tuple[str, list, list[str]]:
    """(format, service objects, warnings) from an uploaded file, or ImportRefused.
    At most IMPORT_MAX_BYTES + 1 bytes are read (the shared bounded read), and the
    format comes from the content: a ZIP package or JSON text."""
    from ..uploads import UploadRefused
    from ..uploads import read_upload as bounded_read
    try:
        data = bounded_read(storage, IMPORT_MAX_BYTES)
    except UploadRefused as error:
        if error.kind == "too_large":
            raise ImportRefused(f"The file is larger than {IMPORT_MAX_BYTES // 1048576} MB, "
                                "the largest file Pathways imports. Split it into smaller "
                                "files.") from None
        raise ImportRefused("The file is empty." if getattr(storage, "filename", "")
                            else error.message) from None
    name = (storage.filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".zip"):
        try:
            services, warnings = read_package(data)
        except PackageRefused as error:
            raise ImportRefused(str(error)) from None
        return "csv", services, warnings
    if name.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
        return "json", *parse_json(data)
    raise ImportRefused("Pathways imports Open Referral JSON (a .json file) or the Open "
                        "Referral tabular package (a .zip of CSV files).")


def parse_json(data: bytes) -> tuple[list, list[str]]:
    """Service objects from service_full / organization_full JSON, a list of them, or a
    paged list ({"contents": [...]})."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text, so it is not Open Referral JSON.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"The file is not valid JSON: {error.msg} at line {error.lineno}, "
                            f"column {error.colno}.") from None
    except RecursionError:
        raise ImportRefused("The file is nested too deeply to be Open Referral JSON.") from None
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    items = document if isinstance(document, list) else [document]
    services = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("services"), list):
            organization = {k: v for k, v in item.items() if k != "services"}
            for service in item["services"]:
                if isinstance(service, dict):
                    service = dict(service)
                    service.setdefault("organization", organization)
                services.append(service)
        else:
            services.append(item)
    if not services:
        raise ImportRefused("The file holds no services.")
    return services, []


# -- checking and planning --------------------------------------------------------------

def canonical(value):
    """A value with empty parts removed and whole floats as ints, for comparison."""
    if isinstance(value, dict):
        out = {k: canonical(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


CHILD_KINDS = {"phones": "phone", "contacts": "contact", "service_areas": "service area",
               "service_at_locations": "service at location", "attributes": "attribute",
               "schedules": "schedule"}


def _child_ids(service: dict) -> list[tuple[str, str]]:
    ids = []
    for key, kind in CHILD_KINDS.items():
        for item in service.get(key) or []:
            if isinstance(item, dict) and item.get("id") is not None:
                ids.append((kind, str(item["id"])))
    for contact in service.get("contacts") or []:
        if isinstance(contact, dict):
            for phone in contact.get("phones") or []:
                if isinstance(phone, dict) and phone.get("id") is not None:
                    ids.append(("phone", str(phone["id"])))
    return ids


def _known_term_ids() -> set[str]:
    return {str(u) for (u,) in TaxonomyTerm.select(TaxonomyTerm.uuid).tuples()}


def fill_known_terms(service) -> None:
    """Attributes that name a directory term by id alone get the term's details (a CSV
    package may leave out taxonomy_terms.csv for terms the receiver already has)."""
    if not isinstance(service, dict):
        return
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and set(term) == {"id"}:
            try:
                found = TaxonomyTerm.get_or_none(TaxonomyTerm.uuid == uuid.UUID(str(term["id"])))
            except ValueError:
                continue
            if found is not None:
                attribute["taxonomy_term"] = term_to_hsds(found)


def check(service, number: int, duplicates: set[str], shared_children: set,
          known_terms: set[str]) -> list[str]:
    """Why `service` cannot be imported (empty when it can)."""
    if not isinstance(service, dict):
        return ["This is not a JSON object, so it is not a service."]
    reasons = []
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and term.get("id") is not None and (
                str(term["id"]) not in known_terms and not term.get("name")):
            reasons.append(f"attribute {attribute.get('id')}: unknown taxonomy term "
                           f"{term['id']} (it is not in the directory and the file does "
                           "not describe it).")
    reasons += problems(service, "service")
    sid = str(service.get("id"))
    if sid in duplicates:
        reasons.append(f"The id {sid} is used by more than one service in the file.")
    for kind, child in _child_ids(service):
        if (kind, child) in shared_children:
            reasons.append(f"The {kind} id {child} appears more than once in the file.")
    for key, limit in LIMITS.items():
        value = service.get(key)
        if isinstance(value, str) and len(value) > limit:
            reasons.append(f"{key}: longer than {limit} characters.")
    for key in ("minimum_age", "maximum_age"):
        value = service.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                value != int(value) or not 0 <= value <= 150):
            reasons.append(f"{key}: {value} is not a whole number of years from 0 to 150.")
    organization = service.get("organization")
    if isinstance(organization, dict):
        name = organization.get("name")
        if isinstance(name, str) and len(name) > 200:
            reasons.append("organization.name: longer than 200 characters.")
    elif organization is None:
        org_id = service.get("organization_id")
        if org_id is None:
            reasons.append("The service has no organization.")
        elif _org_by_id(org_id) is None:
            reasons.append(f"Its organization {org_id} is neither in the file nor in the "
                           "directory.")
    for attribute in service.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict) or term.get("id") is None:
            reasons.append(f"attribute {attribute.get('id')}: it has no taxonomy term.")
    return list(dict.fromkeys(reasons))[:8]


def _org_by_id(value) -> Organization | None:
    try:
        return Organization.get_or_none(Organization.uuid == uuid.UUID(str(value)))
    except ValueError:
        return None


def plan(services: list) -> list[Row]:
    """Each service of the file as new, changed, unchanged or invalid (with reasons)."""
    ids = Counter(str(s.get("id")) for s in services if isinstance(s, dict))
    duplicates = {sid for sid, n in ids.items() if n > 1}
    children = Counter(c for s in services if isinstance(s, dict) for c in set(_child_ids(s)))
    within = Counter()
    for s in services:
        if isinstance(s, dict):
            for c, n in Counter(_child_ids(s)).items():
                if n > 1:
                    within[c] += 1
    shared = {c for c, n in children.items() if n > 1} | set(within)
    known = _known_term_ids()
    for service in services:
        fill_known_terms(service)
    rows = []
    for number, service in enumerate(services, start=1):
        reasons = check(service, number, duplicates, shared, known)
        name = str(service.get("name") or "(no name)")[:200] if isinstance(service, dict) else "–"
        sid = str(service.get("id") or "") if isinstance(service, dict) else ""
        if reasons:
            rows.append(Row(number, sid, name, "invalid", reasons))
            continue
        existing = Service.by_uuid(sid)
        if existing is None:
            rows.append(Row(number, sid, name, "new", data=service))
            continue
        incoming = canonical(service)
        current = canonical(service_to_hsds(existing, with_organization="organization" in service))
        if incoming == current:
            rows.append(Row(number, sid, name, "unchanged", data=service))
        else:
            changed = sorted(k for k in set(incoming) | set(current)
                             if incoming.get(k) != current.get(k))
            rows.append(Row(number, sid, name, "changed",
                            [f"Changes: {', '.join(changed)}"], data=service))
    return rows


def summary(rows: list[Row]) -> dict[str, int]:
    counts = Counter(r.status for r in rows)
    return {status: counts.get(status, 0) for status in ("new", "changed", "unchanged", "invalid")}


def apply(rows: list[Row]) -> dict[str, int]:
    """Write the new and changed services (call inside writing(): all or nothing)."""
    done = Counter()
    for row in rows:
        if row.status not in ("new", "changed"):
            continue
        data = row.data
        if isinstance(data.get("organization"), dict):
            organization = upsert_organization(data["organization"])
        else:
            organization = _org_by_id(data["organization_id"])
        upsert_service(data, organization)
        done[row.status] += 1
    return dict(done)


def rows_to_json(rows: list[Row]) -> str:
    return json.dumps([asdict(r) for r in rows], ensure_ascii=False)


def rows_from_json(text: str) -> list[Row]:
    return [Row(**item) for item in json.loads(text)]
