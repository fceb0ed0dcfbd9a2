"""Builders for directory test data (services with their organisation, areas, terms)."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from models.directory import (Organization, Phone, Service, TaxonomyTerm,
                              ensure_pathways_taxonomies)

_counter = itertools.count(1)


def category(slug_or_name: str) -> TaxonomyTerm:
    """One of Pathways' categories, by the start of its name ("Housing", "Debt")."""
    for term in TaxonomyTerm.categories():
        if term.name.lower().startswith(slug_or_name.lower()):
            return term
    raise LookupError(slug_or_name)


def make_service(name: str | None = None, *, organization: str = "Test Charity",
                 description: str = "", categories=(), boroughs=(), phone: str = "",
                 verified_on: dt.date | None = None, **fields) -> Service:
    org = (Organization.get_or_none(Organization.name == organization)
           or Organization.create(name=organization))
    fields.setdefault("referral_methods", "phone,email")
    service = Service.create(name=name or f"Service {next(_counter)}", organization=org,
                             description=description,
                             verified_on=verified_on or dt.date.today(), **fields)
    service.set_categories([category(c) if isinstance(c, str) else c for c in categories])
    service.set_boroughs(list(boroughs))
    if phone:
        Phone.create(service=service, number=phone)
    service.refresh_search_text()
    service.save()
    return service


@pytest.fixture
def taxonomies(app):
    """Pathways' categories (the PostgreSQL test schema is emptied before each test,
    migration data included)."""
    ensure_pathways_taxonomies()
