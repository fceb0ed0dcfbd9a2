"""Attendance registers as CSV: import (all rows or none) and export (safe for spreadsheets).

Import reads a header row and at least a `name` column; `organisation`, `role`, `email`
and `attended` (yes/no) are optional. Every row is checked first; one bad row means
nothing is imported and every problem is reported with its row number.

Export neutralises spreadsheet formulas: a cell starting with = + - @, tab or carriage
return is prefixed with ' so Excel or LibreOffice shows it as text instead of running it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

MAX_ROWS = 1000
MAX_CSV_BYTES = 1024 * 1024
COLUMNS = {"name": 120, "organisation": 200, "role": 120, "email": 254}
YES = {"yes", "y", "true", "1", "attended", ""}
NO = {"no", "n", "false", "0", "did not attend", "absent"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_ALIASES = {"full name": "name", "organization": "organisation", "job title": "role",
                  "email address": "email", "e-mail": "email", "present": "attended"}


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _has_control(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\t") or 0x7F <= ord(c) <= 0x9F for c in text)


def parse_register(data: bytes) -> ImportResult:
    """Check every row of an attendance CSV; rows are usable only when errors is empty."""
    result = ImportResult()
    if not data.strip():
        result.errors.append("The file is empty.")
        return result
    if len(data) > MAX_CSV_BYTES:
        result.errors.append("The file is larger than 1 MB. Split it into smaller files.")
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not UTF-8 text. In your spreadsheet, save it as "
                             "\u201cCSV UTF-8\u201d and try again.")
        return result
    if "\x00" in text:
        result.errors.append("The file is not a CSV file.")
        return result
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        result.errors.append("The file is not a CSV file Pathways can read.")
        return result
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        result.errors.append("The file is empty.")
        return result
    header = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in rows[0]]
    if "name" not in header:
        result.errors.append("The first row must name the columns, including \u201cname\u201d "
                             "(and optionally organisation, role, email, attended).")
        return result
    body = rows[1:]
    if not body:
        result.errors.append("The file has a header row but no attendees.")
        return result
    if len(body) > MAX_ROWS:
        result.errors.append(f"The file has more than {MAX_ROWS} attendees.")
        return result
    for number, cells in enumerate(body, start=2):
        record = {key: (cells[i].strip() if i < len(cells) else "")
                  for i, key in enumerate(header) if key in COLUMNS or key == "attended"}
        problems = []
        if not record.get("name"):
            problems.append("name is missing")
        for key, limit in COLUMNS.items():
            value = record.get(key, "")
            if len(value) > limit:
                problems.append(f"{key} is longer than {limit} characters")
            if _has_control(value):
                problems.append(f"{key} contains control characters")
        email = record.get("email", "")
        if email and len(email) <= COLUMNS["email"]:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                problems.append("email is not a valid address")
        attended = record.get("attended", "").strip().lower()
        if attended not in YES | NO:
            problems.append("attended must be yes or no")
        if problems:
            result.errors.append(f"Row {number}: " + "; ".join(problems) + ".")
            continue
        result.rows.append({"name": record["name"], "organisation": record.get("organisation", ""),
                            "role": record.get("role", ""), "email": email,
                            "attended": attended not in NO})
    if result.errors:
        result.rows = []
    return result


def neutralise(value) -> str:
    """A cell value that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def register_csv(attendees) -> str:
    """The attendance register as CSV text (Excel-friendly: opens with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Organisation", "Role", "Email", "Attended"])
    for person in attendees:
        writer.writerow([neutralise(person.name), neutralise(person.organisation),
                         neutralise(person.role), neutralise(person.email),
                         "yes" if person.attended else "no"])
    return "\ufeff" + out.getvalue()
