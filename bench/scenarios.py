"""The pages measured: (name, path, role signed in or None[, extra request headers]).
A path may be a function returning the path, called once the bench data exists (for ids
that only the generated database knows). Parts add their own."""
import datetime as _dt

from bench.pathways_data import sar_caseload_path

HTMX = {"HX-Request": "true"}

_TODAY = _dt.date.today().isoformat()
_YEAR_AGO = (_dt.date.today() - _dt.timedelta(days=365)).isoformat()

SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    # Monitoring reports over 100k people: the default (last full quarter, every team of
    # the bench manager: all 20) and a whole year.
    ("reports, last quarter", "/reports", "manager"),
    ("reports, a year", "/reports?start=" + _YEAR_AGO + "&end=" + _TODAY, "manager"),
    ("reports fragment (htmx), quarter", "/reports", "manager", HTMX),
    ("letters: recent letters", "/letters/", "practitioner"),
    ("letters: field catalogue", "/letters/catalogue", "manager"),
    ("letters: templates", "/letters/templates", "manager"),
    # Service directory (5,000 services at scale 1): the live-search fragment as htmx asks
    # for it while someone types, with and without filters, and the whole page.
    ("directory search fragment", "/directory/?q=housing", "practitioner", HTMX),
    ("directory search + filters", "/directory/?q=advice&borough=Hackney&women=y",
     "practitioner", HTMX),
    ("directory two-word fragment", "/directory/?q=debt%20clinic", "practitioner", HTMX),
    ("directory page", "/directory/?q=housing", "practitioner"),
    ("housing board", "/housing/", "coordinator"),
    ("SAR caseload (~100 women)", sar_caseload_path, "coordinator"),
    # Case work (data: bench/case_data.py; person 900001 has 200 notes).
    # The least a signed-in page costs: the find-a-person fragment with nothing typed
    # (session, user and teams, CSRF token, security headers; no rows, no layout).
    ("signed-in floor (empty fragment)", "/people", "practitioner", HTMX),
    # The least a whole signed-in page costs: the note search form, nothing typed (the
    # above, plus the layout: header, navigation, footer; no rows, no audit event).
    ("signed-in floor (whole page)", "/people/notes", "practitioner"),
    ("caseload", "/people", "practitioner"),
    ("find a person", "/people?q=smi", "practitioner"),
    ("find a person (as you type)", "/people?q=smi", "practitioner", HTMX),
    ("person timeline (200 notes)", "/people/900001", "practitioner"),
    ("note search", "/people/notes?q=hostel+housing", "practitioner"),
    ("retention review (manager)", "/retention/", "manager"),
]

# A scenario may carry a fourth item: extra request headers (e.g. HX-Request for a fragment).
from bench.library import SCENARIOS as LIBRARY  # noqa: E402

SCENARIOS += LIBRARY
