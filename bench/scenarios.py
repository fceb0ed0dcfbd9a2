"""The pages measured: (name, path, role signed in or None). Parts add their own."""
SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    ("retention review (manager)", "/retention/", "manager"),
]
