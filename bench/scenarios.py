"""The pages measured: (name, path, role signed in or None). Parts add their own."""
SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    ("letters: recent letters", "/letters/", "practitioner"),
    ("letters: field catalogue", "/letters/catalogue", "manager"),
    ("letters: templates", "/letters/templates", "manager"),
    ("retention review (manager)", "/retention/", "manager"),
]

# A scenario may carry a fourth item: extra request headers (e.g. HX-Request for a fragment).
from bench.library import SCENARIOS as LIBRARY  # noqa: E402

SCENARIOS += LIBRARY
