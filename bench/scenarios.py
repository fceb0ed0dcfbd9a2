"""The pages measured: (name, path, role signed in or None[, extra request headers]).
Parts add their own."""
HTMX = {"HX-Request": "true"}

SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
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
    ("SAR caseload (~100 women)", "/pathways/2/caseload", "coordinator"),
    # Case work (data: bench/case_data.py; person 900001 has 200 notes).
    ("caseload", "/people", "practitioner"),
    ("find a person", "/people?q=smi", "practitioner"),
    ("person timeline (200 notes)", "/people/900001", "practitioner"),
    ("note search", "/people/notes?q=hostel+housing", "practitioner"),
    ("retention review (manager)", "/retention/", "manager"),
]

# A scenario may carry a fourth item: extra request headers (e.g. HX-Request for a fragment).
from bench.library import SCENARIOS as LIBRARY  # noqa: E402

SCENARIOS += LIBRARY
