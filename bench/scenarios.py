"""The pages measured: (name, path, role signed in or None). Parts add their own."""
SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    # Case work (data: bench/case_data.py; person 900001 has 200 notes).
    ("caseload", "/people", "practitioner"),
    ("find a person", "/people?q=smi", "practitioner"),
    ("person timeline (200 notes)", "/people/900001", "practitioner"),
    ("note search", "/people/notes?q=hostel+housing", "practitioner"),
]
