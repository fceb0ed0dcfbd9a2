"""The pages measured: (name, path, role signed in or None). Parts add their own."""
SCENARIOS = [
    ("login page", "/login", None),
    ("home page", "/", "practitioner"),
    ("housing board", "/housing/", "coordinator"),
    ("SAR caseload (~100 women)", "/pathways/2/caseload", "coordinator"),
]
