"""The pages measured: (name, path, role signed in or None). Parts add their own."""
SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    ("letters: recent letters", "/letters/", "practitioner"),
    ("letters: field catalogue", "/letters/catalogue", "manager"),
    ("letters: templates", "/letters/templates", "manager"),
]
