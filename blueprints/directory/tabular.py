"""The HSDS tabular package: a ZIP of CSV files, one per HSDS object type, linked by ids.

`read_package` turns a package into the same nested `service_full` objects the JSON import
reads; `write_package` turns exported `organization_full` objects into a package. Cells
that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are written with a leading apostrophe, and the apostrophe is taken off again on import.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from functools import lru_cache
from pathlib import PurePosixPath

from .hsds import SCHEMA_DIR, schemas

ZIP_MAX_MEMBERS = 40
ZIP_MAX_UNPACKED = 60 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PackageRefused(ValueError):
    """The package cannot be read at all; str() is the message for the user."""


@lru_cache(maxsize=1)
def tables() -> dict[str, dict]:
    """Table name -> {path, kind, numbers (column names holding numbers)} from HSDS 3's
    tabular schema."""
    doc = json.loads((SCHEMA_DIR / "hsds-3" / "tabular.json").read_text(encoding="utf-8"))
    out = {}
    for kind, spec in doc["properties"].items():
        item = spec["items"]
        numbers = {name for name, prop in item["properties"].items()
                   if prop.get("type") == "number"}
        out[kind] = {"path": item["path"], "kind": kind, "numbers": numbers}
    return out


def _aliases() -> dict[str, str]:
    """File name -> table kind, accepting singular and plural spellings."""
    found = {}
    for kind, spec in tables().items():
        stem = spec["path"][:-4]
        for name in {spec["path"], f"{kind}.csv", f"{kind}s.csv", f"{stem.rstrip('s')}.csv",
                     f"{stem}s.csv", "accessibility_for_disabilities.csv"
                     if kind == "accessibility" else spec["path"]}:
            found.setdefault(name, kind)
    return found


def columns(kind: str) -> list[str]:
    """The scalar columns of a table, as the UK profile defines them."""
    schema = schemas("uk").get(f"{kind}.json", {})
    return [name for name, prop in schema.get("properties", {}).items()
            if prop.get("type") != "array" and "$ref" not in prop]


# -- reading ----------------------------------------------------------------------------

def _cell(value: str, number: bool):
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        value = value[1:]
    if number:
        try:
            as_float = float(value)
        except ValueError:
            return value  # left as text: the schema check reports it as not a number
        return int(as_float) if as_float.is_integer() and "." not in value else as_float
    return value


def read_tables(data: bytes) -> tuple[dict[str, list[dict]], list[str]]:
    """The CSV files of a ZIP package, checked before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageRefused("The file is not a ZIP file. Export the Open Referral CSV "
                             "files as one ZIP (a tabular package).") from None
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise PackageRefused(f"The ZIP holds {len(members)} files; an Open Referral package "
                             f"has at most {ZIP_MAX_MEMBERS}.")
    if sum(m.file_size for m in members) > ZIP_MAX_UNPACKED:
        raise PackageRefused("The ZIP unpacks to more than "
                             f"{ZIP_MAX_UNPACKED // (1024 * 1024)} MB: it cannot be imported.")
    aliases = _aliases()
    canonical_paths = {spec["path"] for spec in tables().values()}
    warnings: list[str] = []
    found: dict[str, list[dict]] = {}
    # The HSDS file name wins when a package also has another spelling of it.
    members.sort(key=lambda m: PurePosixPath(m.filename).name.lower() not in canonical_paths)
    for member in members:
        name = PurePosixPath(member.filename).name
        if member.is_dir() or not name.lower().endswith(".csv"):
            continue
        kind = aliases.get(name.lower())
        if kind is None:
            warnings.append(f"{name}: not an Open Referral table, ignored.")
            continue
        if kind in found:
            warnings.append(f"{name}: ignored, the package already has "
                            f"{tables()[kind]['path']}.")
            continue
        raw = archive.read(member)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PackageRefused(f"{name} is not UTF-8 text. Save it as CSV UTF-8.") from None
        keep = set(schemas("uk").get(f"{kind}.json", {}).get("required", []))
        found[kind] = _read_csv(name, text, tables()[kind]["numbers"], keep)
    if not found.keys() & {"service", "taxonomy", "taxonomy_term"}:
        raise PackageRefused("The ZIP has no services.csv (nor taxonomies.csv or "
                             "taxonomy_terms.csv): there is nothing to import.")
    return found, warnings


def _read_csv(name: str, text: str, numbers: set[str], keep: set[str]) -> list[dict]:
    """Rows as dicts; empty cells are left out, except in columns the schema requires."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or "id" not in header:
            raise PackageRefused(f"{name} has no header row with an “id” column.")
        if len(set(header)) != len(header):
            raise PackageRefused(f"{name} names a column twice in its header row.")
        rows = []
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise PackageRefused(f"{name}, line {line}: {len(values)} cells where the "
                                     f"header has {len(header)}.")
            rows.append({key: _cell(value, key in numbers)
                         for key, value in zip(header, values) if value != "" or key in keep})
    except csv.Error as error:
        raise PackageRefused(f"{name} is not valid CSV near line {reader.line_num}: "
                             f"{error}.") from None
    return rows


def _without(row: dict, *keys: str) -> dict:
    return {k: v for k, v in row.items() if k not in keys}


def read_package(data: bytes) -> tuple[list, list[str], list[dict], list[dict]]:
    """(nested `service_full` objects with their organisation, warnings, the taxonomies
    of taxonomies.csv, the terms of taxonomy_terms.csv) read from a package."""
    found, warnings = read_tables(data)
    get = lambda kind: found.get(kind, [])  # noqa: E731

    by = defaultdict(list)  # (table, parent column, parent id) -> rows
    for kind, parent in (("organization_identifier", "organization_id"),
                         ("address", "location_id"), ("accessibility", "location_id"),
                         ("phone", "contact_id"), ("phone", "service_id"),
                         ("contact", "service_id"), ("schedule", "service_id"),
                         ("service_area", "service_id"), ("language", "service_id"),
                         ("funding", "service_id"), ("cost_option", "service_id"),
                         ("required_document", "service_id"),
                         ("service_at_location", "service_id"), ("attribute", "link_id")):
        for row in get(kind):
            if row.get(parent) is not None:
                by[(kind, parent, str(row[parent]))].append(row)

    organizations = {}
    for row in get("organization"):
        org = dict(row)
        idents = [_without(r, "organization_id")
                  for r in by[("organization_identifier", "organization_id", str(row["id"]))]]
        if idents:
            org["organization_identifiers"] = idents
        organizations[str(row["id"])] = org
    locations = {}
    for row in get("location"):
        location = dict(row)
        for kind, key in (("address", "addresses"), ("accessibility", "accessibility")):
            items = [_without(r, "location_id") for r in by[(kind, "location_id", str(row["id"]))]]
            if items:
                location[key] = items
        locations[str(row["id"])] = location
    terms = {str(row["id"]): dict(row) for row in get("taxonomy_term")}

    services = []
    service_ids = {str(row.get("id")) for row in get("service")}
    for row in get("service"):
        service = dict(row)
        sid = str(row.get("id"))
        org_id = service.pop("organization_id", None)
        if org_id is not None and str(org_id) in organizations:
            service["organization"] = organizations[str(org_id)]
        elif org_id is not None:
            service["organization_id"] = org_id
        for kind, key in (("schedule", "schedules"), ("service_area", "service_areas"),
                          ("language", "languages"), ("funding", "funding"),
                          ("cost_option", "cost_options"),
                          ("required_document", "required_documents")):
            items = [_without(r, "service_id") for r in by[(kind, "service_id", sid)]]
            if items:
                service[key] = items
        phones = [_without(r, "service_id", "contact_id") for r in by[("phone", "service_id", sid)]]
        if phones:
            service["phones"] = phones
        contacts = []
        for r in by[("contact", "service_id", sid)]:
            contact = _without(r, "service_id")
            contact_phones = [_without(p, "contact_id", "service_id")
                              for p in by[("phone", "contact_id", str(r["id"]))]]
            if contact_phones:
                contact["phones"] = contact_phones
            contacts.append(contact)
        if contacts:
            service["contacts"] = contacts
        at_locations = []
        for r in by[("service_at_location", "service_id", sid)]:
            item = _without(r, "service_id", "location_id")
            location = locations.get(str(r.get("location_id")))
            if location is None:
                warnings.append(f"service_at_location {r.get('id')}: location "
                                f"{r.get('location_id')} is not in locations.csv, skipped.")
                continue
            item["location"] = location
            at_locations.append(item)
        if at_locations:
            service["service_at_locations"] = at_locations
        attributes = []
        for r in by[("attribute", "link_id", sid)]:
            item = _without(r, "link_id", "taxonomy_term_id", "link_entity")
            term_id = r.get("taxonomy_term_id")
            item["taxonomy_term"] = terms.get(str(term_id), {"id": term_id})
            attributes.append(item)
        if attributes:
            service["attributes"] = attributes
        services.append(service)
    for row in get("attribute"):
        if str(row.get("link_id")) not in service_ids:
            warnings.append(f"attribute {row.get('id')}: links to {row.get('link_id')}, which "
                            f"is not a service in the file, skipped.")
    for kind in ("schedule", "service_area", "language", "funding", "cost_option",
                 "required_document", "contact", "service_at_location"):
        for row in get(kind):
            if row.get("service_id") is not None and str(row["service_id"]) not in service_ids:
                warnings.append(f"{kind} {row.get('id')}: its service {row['service_id']} is "
                                f"not in services.csv, skipped.")
    return services, warnings, [dict(r) for r in get("taxonomy")], list(terms.values())


# -- writing ----------------------------------------------------------------------------

def neutralise(value):
    """A cell as text, with a leading apostrophe if a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_package(organizations: list[dict], taxonomies: list[dict],
                  terms: list[dict] = ()) -> bytes:
    """A ZIP of Open Referral CSV files (and a datapackage.json) for these
    `organization_full` objects, with `taxonomies` and `terms` (the vocabulary, including
    terms no exported service uses) in taxonomies.csv and taxonomy_terms.csv."""
    rows: dict[str, dict[str, dict]] = defaultdict(dict)  # kind -> id -> row

    def add(kind, row):
        rows[kind].setdefault(str(row["id"]), row)

    def scalars(obj):
        return {k: v for k, v in obj.items() if not isinstance(v, (list, dict))}

    for org in organizations:
        add("organization", scalars(org))
        for ident in org.get("organization_identifiers", []):
            add("organization_identifier", dict(scalars(ident), organization_id=org["id"]))
        for service in org.get("services", []):
            sid = service["id"]
            add("service", dict(scalars(service), organization_id=org["id"]))
            for key, kind in (("schedules", "schedule"), ("service_areas", "service_area"),
                              ("languages", "language"), ("funding", "funding"),
                              ("cost_options", "cost_option"),
                              ("required_documents", "required_document"),
                              ("phones", "phone")):
                for item in service.get(key, []):
                    add(kind, dict(scalars(item), service_id=sid))
            for contact in service.get("contacts", []):
                add("contact", dict(scalars(contact), service_id=sid))
                for phone in contact.get("phones", []):
                    add("phone", dict(scalars(phone), contact_id=contact["id"]))
            for item in service.get("service_at_locations", []):
                location = item["location"]
                add("service_at_location", dict(scalars(item), service_id=sid,
                                                location_id=location["id"]))
                add("location", scalars(location))
                for address in location.get("addresses", []):
                    add("address", dict(scalars(address), location_id=location["id"]))
                for access in location.get("accessibility", []):
                    add("accessibility", dict(scalars(access), location_id=location["id"]))
            for attribute in service.get("attributes", []):
                term = attribute.get("taxonomy_term") or {}
                add("attribute", dict(scalars(attribute), link_id=sid,
                                      taxonomy_term_id=term.get("id")))
                if term.get("id"):
                    add("taxonomy_term", scalars(term))
    for term in terms:
        add("taxonomy_term", scalars(term))
    for taxonomy in taxonomies:
        add("taxonomy", scalars(taxonomy))

    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, spec in tables().items():
            if kind not in rows:
                continue
            wanted = columns(kind)
            seen = {k for row in rows[kind].values() for k in row}
            header = [c for c in wanted if c in seen or c == "id"] + sorted(seen - set(wanted))
            out = io.StringIO(newline="")
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(header)
            for row in rows[kind].values():
                writer.writerow([neutralise(row.get(column)) for column in header])
            archive.writestr(spec["path"], out.getvalue())
            resources.append({"name": kind, "path": spec["path"],
                              "profile": "tabular-data-resource", "format": "csv",
                              "mediatype": "text/csv", "encoding": "utf-8"})
        archive.writestr("datapackage.json", json.dumps({
            "name": "pathways-service-directory", "profile": "tabular-data-package",
            "title": "Pathways service directory (Open Referral UK)",
            "resources": resources}, indent=2))
    return buffer.getvalue()


__all__ = ["PackageRefused", "read_package", "write_package", "neutralise"]
