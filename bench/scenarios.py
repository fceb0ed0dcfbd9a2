"""The pages measured: (name, path, role signed in or None). Parts add their own."""
import datetime as _dt

_TODAY = _dt.date.today().isoformat()
_YEAR_AGO = (_dt.date.today() - _dt.timedelta(days=365)).isoformat()

SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    # Monitoring reports over 100k people: the default (last full quarter, every team of
    # the bench manager: all 20) and a whole year.
    ("reports, last quarter", "/reports", "manager"),
    ("reports, a year", "/reports?start=" + _YEAR_AGO + "&end=" + _TODAY, "manager"),
    ("letters: recent letters", "/letters/", "practitioner"),
    ("letters: field catalogue", "/letters/catalogue", "manager"),
    ("letters: templates", "/letters/templates", "manager"),
]

# A scenario may carry a fourth item: extra request headers (e.g. HX-Request for a fragment).
from bench.library import SCENARIOS as LIBRARY  # noqa: E402

SCENARIOS += LIBRARY
