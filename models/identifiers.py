"""National identifiers on a person record: NHS number and Police National Computer id."""
from __future__ import annotations

import re

_NHS_WEIGHTS = range(10, 1, -1)  # first nine digits weighted 10 down to 2
# [0-9], not \d: \d also takes other scripts' digits ("٩٤٣..."), which would pass the check
# and slip past the unique NHS number as a different string.
_PNC_ID = re.compile(r"^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-HJ-NP-RT-Z])$")


def normalise_nhs_number(value: str | None) -> str:
    """Digits only ("943 476 5919" -> "9434765919"); empty when nothing was given."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str | None) -> bool:
    """True for ten digits whose last is the modulus 11 check digit of the other nine, and
    not one digit ten times: 0000000000 and the like pass the check but are never issued
    (they are what a form gets when someone types anything to get past it)."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits) or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], _NHS_WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def format_nhs_number(value: str | None) -> str:
    """Shown 3-3-4, as on NHS letters: "943 476 5919"."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10:
        return value or ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def normalise_pnc_id(value: str | None) -> str:
    """Upper case without spaces; the year part and serial are kept as written."""
    return re.sub(r"\s", "", value or "").upper()


def pnc_id_spellings(value: str | None) -> list[str]:
    """Every way the same PNC id is written, as a record may hold it: the year in two or four
    digits, the serial with or without leading zeros (98/0123456G, 1998/123456G and
    98/123456G are one id). Empty for an id that is not valid."""
    match = _PNC_ID.match(normalise_pnc_id(value))
    if not match:
        return []
    year, serial, letter = match.groups()
    short = year[-2:]
    years = {short, year} | ({f"19{short}", f"20{short}"} if len(year) == 2 else set())
    digits = serial.lstrip("0") or "0"
    serials = {digits.zfill(width) for width in range(len(digits), 8)}
    return sorted(f"{y}/{s}{letter}" for y in years for s in serials)


def pnc_id_is_valid(value: str | None) -> bool:
    """A PNC id in the police format: year (2 or 4 digits) / serial number (up to 7 digits)
    and a check letter (I, O and S are never used as check letters), e.g. 98/123456G or
    2019/0012345G. The letter itself is checked by `pnc_check_letter_matches`."""
    return bool(_PNC_ID.match(normalise_pnc_id(value)))


# The check letter is the remainder of the two-digit year and the seven-digit serial, read
# as one number (YYNNNNNNN), divided by 23, as a letter of this alphabet (Z for 0).
_PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_check_letter(year: str, serial: str) -> str:
    """The check letter of the PNC id with this year (2 or 4 digits) and serial."""
    return _PNC_CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def pnc_check_letter_matches(value: str | None) -> bool:
    """True for a PNC id in the police format whose check letter is the one its year and
    serial give: a mistyped digit or letter almost always fails it."""
    match = _PNC_ID.match(normalise_pnc_id(value))
    if not match:
        return False
    year, serial, letter = match.groups()
    return pnc_check_letter(year, serial) == letter
