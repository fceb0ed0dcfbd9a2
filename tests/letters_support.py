"""Shared set-up for the letters tests: installed templates, a referral with a hearing
today in team A, and a context source standing in for the case-work needs assessment."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from blueprints.letters import catalogue, defaults
from models.letters import LetterTemplate
from tests.factories import make_hearing, make_person, make_referral

NEEDS = [
    {"domain": "Mental health", "level": "High", "note": "Hearing voices since the summer"},
    {"domain": "Housing", "level": "Medium", "note": "Sofa surfing"},
]


def sample_needs(referral) -> dict:
    """What the case-work part's needs assessment gives a letter (a stand-in)."""
    return {"needs": NEEDS, "assessment": {"summary": f"Assessed today: {referral.reason}",
                                           "date": "23 November 2026", "by": "Sam"}}


@pytest.fixture
def needs_source():
    catalogue.register_context_source(sample_needs)
    yield sample_needs
    catalogue.CONTEXT_SOURCES.remove(sample_needs)


@pytest.fixture
def installed(app):
    defaults.install_defaults()
    return {t.purpose: t for t in LetterTemplate.select()}


@pytest.fixture
def referral_a(app, team_a, users):
    person = make_person(given_name="Jordan", family_name="Amadi",
                         date_of_birth=dt.date(1991, 5, 4), nhs_number="9434765919")
    referral = make_referral(person, team_a, reason="Seen in the cells, low mood.")
    make_hearing(referral, court="Highbury Corner Magistrates' Court", courtroom="3")
    return referral


@pytest.fixture
def referral_b(app, team_b):
    return make_referral(make_person(given_name="Other", family_name="Team"), team_b)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def table_rows(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables
            for row in table.rows]
