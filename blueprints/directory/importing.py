"""Importing Open Referral files: read (with size limits checked before parsing), check
every service, taxonomy and taxonomy term against the UK profile and Pathways' own rules,
preview what would change, and apply on confirmation in one transaction.

A file is imported whole or not at all: when any row of it is invalid, the preview lists
every row with the reasons, but the file cannot be applied (the page offers no button and
the server refuses a confirmation anyway); it is checked again inside the transaction that
applies it, and any problem then rolls the whole transaction back."""
from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field

from models.directory import Organization, Service, Taxonomy, TaxonomyTerm

from .hsds import (problems, service_to_hsds, taxonomy_to_hsds, term_to_hsds,
                   upsert_organization, upsert_service, upsert_taxonomy, upsert_term)
from .tabular import PackageRefused, read_package

IMPORT_MAX_BYTES = 10 * 1024 * 1024
LIMITS = {"name": 200, "url": 500, "email": 254}


class ImportRefused(ValueError):
    """The file cannot be imported at all; str() is the message for the user."""


@dataclass
class Row:
    """One service (or taxonomy, or taxonomy term) of the file and what importing it
    would do."""
    number: int
    id: str
    name: str
    status: str  # new, changed, unchanged, invalid
    reasons: list[str] = field(default_factory=list)
    data: dict | None = None
    kind: str = "service"  # service, taxonomy, taxonomy_term


@dataclass
class Upload:
    """What was read from an uploaded file."""
    file_format: str
    services: list
    warnings: list[str] = field(default_factory=list)
    taxonomies: list = field(default_factory=list)  # HSDS taxonomy objects, no terms
    terms: list = field(default_factory=list)  # HSDS taxonomy_term objects in their own right


def read_upload(storage) -> Upload:
    """What an uploaded file holds, or ImportRefused.
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
            services, warnings, taxonomies, terms = read_package(data)
        except PackageRefused as error:
            raise ImportRefused(str(error)) from None
        return Upload("csv", services, warnings, taxonomies, terms)
    if name.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
        return parse_json(data)
    raise ImportRefused("Pathways imports Open Referral JSON (a .json file) or the Open "
                        "Referral tabular package (a .zip of CSV files).")


def parse_json(data: bytes) -> Upload:
    """Service objects from service_full / organization_full JSON, a list of them, or a
    paged list ({"contents": [...]}); taxonomy objects (with their `taxonomy_terms`) may
    come alone or in the same list."""
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
    services, taxonomies, terms = [], [], []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("taxonomy_terms"), list):
            taxonomies.append({k: v for k, v in item.items() if k != "taxonomy_terms"})
            for term in item["taxonomy_terms"]:
                if isinstance(term, dict) and item.get("id") is not None:
                    term = dict(term)
                    term.setdefault("taxonomy_id", item["id"])
                terms.append(term)
        elif isinstance(item, dict) and isinstance(item.get("services"), list):
            organization = {k: v for k, v in item.items() if k != "services"}
            for service in item["services"]:
                if isinstance(service, dict):
                    service = dict(service)
                    service.setdefault("organization", organization)
                services.append(service)
        else:
            services.append(item)
    if not services and not taxonomies:
        raise ImportRefused("The file holds no services.")
    return Upload("json", services, [], taxonomies, terms)


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


def fill_known_terms(service, in_file: dict | None = None) -> None:
    """Attributes that name a term by id alone get the term's details, from the file's
    own list of terms or from the directory (a CSV package may leave out
    taxonomy_terms.csv for terms the receiver already has)."""
    if not isinstance(service, dict):
        return
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and set(term) == {"id"}:
            if str(term["id"]) in (in_file or {}):
                attribute["taxonomy_term"] = dict(in_file[str(term["id"])])
                continue
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


def plan(services: list, extra_terms: list = ()) -> list[Row]:
    """Each service of the file as new, changed, unchanged or invalid (with reasons).
    `extra_terms` are the terms the file lists in their own right (taxonomy_terms.csv,
    or a taxonomy's terms): a service may name them by id alone."""
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
    in_file = {str(t.get("id")): t for t in extra_terms if isinstance(t, dict) and t.get("name")}
    known = _known_term_ids() | set(in_file)
    for service in services:
        fill_known_terms(service, in_file)
    rows = []
    for number, service in enumerate(services, start=1):
        reasons = check(service, number, duplicates, shared, known)
        name = str(service.get("name") or "(no name)")[:200] if isinstance(service, dict) else "–"
        sid = str(service.get("id") or "") if isinstance(service, dict) else ""
        if reasons:
            rows.append(Row(number, sid, name, "invalid", reasons,
                            data=service if isinstance(service, dict) else None))
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


VOCABULARY_LIMITS = {"taxonomy": {"name": 200, "uri": 500, "version": 60},
                     "taxonomy_term": {"name": 200, "code": 100, "term": 200,
                                       "taxonomy": 200, "term_uri": 500}}


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _plan_vocabulary_items(kind: str, items: list, current) -> list[Row]:
    """Taxonomies (or terms) of the file as new, changed, unchanged or invalid."""
    ids = Counter(str(i.get("id")) for i in items if isinstance(i, dict))
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rows.append(Row(number, "", "–", "invalid",
                            [f"This is not a JSON object, so it is not a {kind.replace('_', ' ')}."],
                            kind=kind))
            continue
        name = str(item.get("name") or "(no name)")[:200]
        iid = str(item.get("id") or "")
        reasons = problems(item, kind)
        if ids[iid] > 1:
            reasons.append(f"The id {iid} is used by more than one {kind.replace('_', ' ')} "
                           "in the file.")
        for key, limit in VOCABULARY_LIMITS[kind].items():
            value = item.get(key)
            if isinstance(value, str) and len(value) > limit:
                reasons.append(f"{key}: longer than {limit} characters.")
        if kind == "taxonomy_term" and item.get("taxonomy_id") is not None and (
                _uuid_or_none(item["taxonomy_id"]) is None):
            reasons.append(f"taxonomy_id: {str(item['taxonomy_id'])[:60]} is not a UUID.")
        if reasons or _uuid_or_none(iid) is None:
            rows.append(Row(number, iid, name, "invalid",
                            list(dict.fromkeys(reasons or ["id: it is not a UUID."]))[:8],
                            kind=kind))
            continue
        existing = current(uuid.UUID(iid))
        if existing is None:
            rows.append(Row(number, iid, name, "new", data=item, kind=kind))
        elif existing.is_pathways:
            rows.append(Row(number, iid, name, "unchanged",
                            ["One of Pathways' own: kept as it is."], data=item, kind=kind))
        else:
            to_hsds = taxonomy_to_hsds if kind == "taxonomy" else term_to_hsds
            incoming, stored = canonical(item), canonical(to_hsds(existing))
            if incoming == stored:
                rows.append(Row(number, iid, name, "unchanged", data=item, kind=kind))
            else:
                changed = sorted(k for k in set(incoming) | set(stored)
                                 if incoming.get(k) != stored.get(k))
                rows.append(Row(number, iid, name, "changed",
                                [f"Changes: {', '.join(changed)}"], data=item, kind=kind))
    return rows


def plan_vocabulary(taxonomies: list, terms: list, services: list) -> tuple[list[Row], list[str]]:
    """The file's taxonomies and terms as rows, and notes about terms whose taxonomy is
    described nowhere."""
    rows = _plan_vocabulary_items(
        "taxonomy", taxonomies,
        lambda key: Taxonomy.get_or_none(Taxonomy.uuid == key))
    rows += _plan_vocabulary_items(
        "taxonomy_term", terms,
        lambda key: TaxonomyTerm.get_or_none(TaxonomyTerm.uuid == key))
    in_file = {str(t.get("id")) for t in taxonomies if isinstance(t, dict)}
    described = [t for t in terms if isinstance(t, dict)]
    for service in services:
        if isinstance(service, dict):
            for attribute in service.get("attributes") or []:
                term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
                if isinstance(term, dict):
                    described.append(term)
    notes = {}
    known = {str(u) for (u,) in Taxonomy.select(Taxonomy.uuid).tuples()}
    for term in described:
        key = _uuid_or_none(term.get("taxonomy_id")) if term.get("taxonomy_id") else None
        if key is None or str(term["taxonomy_id"]) in in_file or str(key) in notes:
            continue
        if str(key) not in known:
            label = str(term.get("taxonomy") or "Imported taxonomy")[:200]
            notes[str(key)] = (f"The taxonomy {key}, which terms of the file belong to, is "
                               f"not described in the file: Pathways records it under the "
                               f"name “{label}”.")
    return rows, list(notes.values())


def summary(rows: list[Row]) -> dict[str, int]:
    counts = Counter(r.status for r in rows)
    return {status: counts.get(status, 0) for status in ("new", "changed", "unchanged", "invalid")}


def invalid_message(count: int) -> str:
    """Why a file with invalid rows cannot be imported."""
    rows = "1 row is" if count == 1 else f"{count} rows are"
    them = "it" if count == 1 else "them"
    return (f"{rows} invalid; fix {them} and upload the file again — nothing has been "
            "changed.")


def replan(rows: list[Row], vocabulary: list[Row]) -> tuple[list[Row], list[Row]]:
    """The rows of a preview checked again against the directory as it is now."""
    taxonomies = [r.data for r in vocabulary if r.kind == "taxonomy"]
    terms = [r.data for r in vocabulary if r.kind == "taxonomy_term"]
    services = [r.data for r in rows]
    if any(item is None for item in taxonomies + terms + services):
        raise ImportRefused(invalid_message(sum(1 for r in rows + vocabulary
                                                if r.status == "invalid") or 1))
    new_vocabulary, _ = plan_vocabulary(taxonomies, terms, services)
    return plan(services, extra_terms=terms), new_vocabulary


def apply(rows: list[Row], vocabulary: list[Row] = ()) -> dict[str, int]:
    """Write the new and changed taxonomies, terms and services (call inside writing():
    all or nothing). A file with any invalid row is refused whole."""
    invalid = sum(1 for r in [*rows, *vocabulary] if r.status == "invalid")
    if invalid:
        raise ImportRefused(invalid_message(invalid))
    done = Counter()
    for row in vocabulary:
        if row.status in ("new", "changed"):
            if row.kind == "taxonomy":
                upsert_taxonomy(row.data)
            else:
                upsert_term(row.data, update=True)
            done[row.kind] += 1
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


def preview_payload(upload: Upload) -> tuple[str, dict[str, int], dict[str, int]]:
    """(the preview as JSON for DirectoryImport.payload, service counts, vocabulary
    counts) for an uploaded file."""
    vocabulary, notes = plan_vocabulary(upload.taxonomies, upload.terms, upload.services)
    rows = plan(upload.services, extra_terms=upload.terms)
    payload = json.dumps({"rows": [asdict(r) for r in rows],
                          "vocabulary": [asdict(r) for r in vocabulary],
                          "warnings": upload.warnings + notes}, ensure_ascii=False)
    return payload, summary(rows), summary(vocabulary)


def preview_from_payload(text: str) -> tuple[list[Row], list[Row], list[str]]:
    """(service rows, taxonomy and term rows, notes) of a stored preview."""
    payload = json.loads(text)
    return ([Row(**item) for item in payload.get("rows", [])],
            [Row(**item) for item in payload.get("vocabulary", [])],
            payload.get("warnings", []))
