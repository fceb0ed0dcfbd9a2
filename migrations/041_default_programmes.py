"""041 the pathway programmes every installation starts with (managers can change them)."""

import datetime as dt

import peewee as pw
from peewee_migrate import Migrator

# (key, name, description, eligibility (one criterion a line), session limit, driver cap,
#  women-only services first)
PROGRAMMES = [
    ("womens_liaison", "Women's court liaison and outreach",
     "Support at court and afterwards in the community for women in contact with the "
     "criminal justice system.",
     "She is in contact with the criminal justice system\nShe agrees to work with the service",
     None, None, True),
    ("sar", "Specified Activity Requirement (SAR)",
     "Up to 8 sessions on up to 3 drivers of offending, ending with a discharge roadmap.",
     "A community sentence is being considered\nSupervision of at least 6 months is proposed\n"
     "She is committed to engaging with the sessions", 8, 3, True),
    ("mhtr", "MHTR support",
     "Support alongside a Mental Health Treatment Requirement.",
     "A Mental Health Treatment Requirement is proposed or in place\n"
     "She consents to treatment", None, None, True),
    ("reconnect", "Reconnect (prison leavers)",
     "Meeting her at the gate and connecting her with services in the first weeks.",
     "She leaves prison within 12 weeks, or left in the last 4 weeks\n"
     "She agrees to meet a worker before or on release", None, None, True),
    ("housing", "Housing pathway",
     "Supported accommodation and the move on to a home of her own.",
     "She is homeless or at risk of homelessness\n"
     "She agrees to a supported-accommodation referral", None, None, True),
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    p = database.param
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for key, name, description, eligibility, limit, cap, women_only in PROGRAMMES:
        migrator.sql(
            "INSERT INTO programme (key, name, description, eligibility, session_limit, "
            "driver_cap, women_only, active, created_at, updated_at, version) "
            f"SELECT {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, 1 "
            f"WHERE NOT EXISTS (SELECT 1 FROM programme WHERE key = {p})",
            key, name, description, eligibility, limit, cap, women_only, True, now, now, key)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    pass  # programmes may have enrolments by now: never removed
