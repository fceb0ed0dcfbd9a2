"""The service directory, shaped like Open Referral HSDS 3: organisations run services,
services are offered at locations (with addresses), have phones and contacts, serve areas
(London boroughs here) and are classified by taxonomy terms (our categories, or an
imported taxonomy's terms mapped onto them).

Every HSDS object has a UUID (`uuid`), as HSDS requires; the integer `id` is Pathways' own
key (the full-text index and foreign keys use it). What HSDS offers that Pathways does not
use (funding, cost options, schedules' recurrence rules, ...) is kept as imported in
`extra` (JSON) and exported back unchanged, so an import round-trips.

On top of HSDS, what these teams need: boroughs served, eligibility (women only, must be
under probation, self-referral accepted, age range), how to refer, languages, opening
hours, accessibility notes, when and by whom the entry was last verified, and archiving
(an archived service stays attached to past referrals, but is no longer offered).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid

from peewee import (SQL, BooleanField, Case, CharField, DateField, DateTimeField, FloatField,
                    ForeignKeyField, IntegerField, NodeList, TextField, UUIDField, fn)

from .accounts import User
from .base import BaseModel, utcnow
from .search import FullText

# Names used in identifiers Pathways makes itself (stable across installations).
PATHWAYS_NS = uuid.UUID("6f6b0f8e-3c1e-5b7a-9a51-2f1d6a0c7e10")


def pathways_uuid(*parts: str) -> uuid.UUID:
    """A stable UUID for something Pathways names itself (a category, a generated row)."""
    return uuid.uuid5(PATHWAYS_NS, "/".join(str(p) for p in parts))


LONDON_BOROUGHS = [
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden",
    "City of London", "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney",
    "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham",
    "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
]

# Pathways' categories: (slug, label). Stored as terms of the "Pathways categories"
# taxonomy (migration 020) with UUIDs made from the slug, so that every installation
# exports the same identifiers and an imported taxonomy can be mapped onto them.
CATEGORIES = [
    ("housing", "Housing and supported accommodation"),
    ("substance-misuse", "Substance misuse"),
    ("debt-money", "Debt and money advice"),
    ("domestic-abuse", "Domestic abuse"),
    ("womens-centres", "Women's centres"),
    ("community-mental-health", "Community mental health"),
    ("psychiatric-liaison", "Psychiatric liaison"),
    ("gp-primary-care", "GP and primary care"),
    ("learning-disability", "Learning disability"),
    ("employment-education", "Employment and education"),
    ("family-children", "Family and children"),
    ("legal-advice", "Legal advice"),
    ("benefits", "Benefits"),
]
CATEGORY_TAXONOMY = ("pathways-categories", "Pathways categories")

# Eligibility flags and referral methods, which HSDS has no field for, are exported as
# HSDS attributes with terms of a taxonomy of our own: (slug, label, what it sets).
ELIGIBILITY_TAXONOMY = ("pathways-eligibility", "Pathways eligibility and referral methods")
ELIGIBILITY_TERMS = [
    ("women-only", "Women only", "women_only"),
    ("under-probation", "Must be under probation", "probation_only"),
    ("self-referral", "Self-referral accepted", "self_referral"),
    ("refer-by-phone", "Referrals by phone", "method:phone"),
    ("refer-by-email", "Referrals by email", "method:email"),
    ("refer-by-form", "Referrals by online or paper form", "method:form"),
    ("refer-by-letter", "Referrals by letter", "method:letter"),
]

REFERRAL_METHODS = {
    "phone": "Phone",
    "email": "Email",
    "form": "Online or paper form",
    "letter": "Letter",
}

# HSDS 3 service statuses.
SERVICE_STATUSES = {
    "active": "Active",
    "inactive": "Inactive",
    "defunct": "Defunct",
    "temporarily closed": "Temporarily closed",
}


def twelve_months_before(day: dt.date) -> dt.date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class JsonExtra:
    """Mixin: `extra` holds HSDS fields Pathways keeps but does not use, as JSON."""

    @property
    def extra_data(self) -> dict:
        try:
            data = json.loads(self.extra or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def set_extra(self, data: dict) -> None:
        self.extra = json.dumps(data, sort_keys=True, ensure_ascii=False) if data else ""


class Organization(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    name = CharField(max_length=200)
    description = TextField(default="")
    email = CharField(max_length=254, default="")
    website = CharField(max_length=500, default="")
    extra = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "organization"

    @classmethod
    def ordered(cls):
        return cls.select().order_by(fn.LOWER(cls.name))


class Taxonomy(BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    name = CharField(max_length=200)
    description = TextField(default="")
    uri = CharField(max_length=500, default="")
    version = CharField(max_length=60, default="")

    class Meta:
        table_name = "taxonomy"


class TaxonomyTerm(BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    taxonomy = ForeignKeyField(Taxonomy, null=True, backref="terms", on_delete="RESTRICT")
    name = CharField(max_length=200)
    description = TextField(default="")
    code = CharField(max_length=100, default="")
    term = CharField(max_length=200, default="")
    parent_uuid = CharField(max_length=36, default="")
    taxonomy_label = CharField(max_length=200, default="")  # HSDS' free-text "taxonomy"
    term_uri = CharField(max_length=500, default="")
    # An imported term that counts as one of Pathways' categories in the filters.
    maps_to = ForeignKeyField("self", null=True, backref="mapped_terms", on_delete="SET NULL")

    class Meta:
        table_name = "taxonomy_term"

    @classmethod
    def categories(cls):
        """Pathways' own categories, in the order of CATEGORIES."""
        order = {str(pathways_uuid("category", slug)): n for n, (slug, _) in enumerate(CATEGORIES)}
        terms = list(cls.select(cls.id, cls.uuid, cls.name, cls.code)
                     .where(cls.uuid.in_([uuid.UUID(u) for u in order])))
        return sorted(terms, key=lambda t: order[str(t.uuid)])

    @property
    def is_category(self) -> bool:
        return any(self.uuid == pathways_uuid("category", slug) for slug, _ in CATEGORIES)


# The index covers one column that Pathways fills with plain words (see search_words), so
# that SQLite's and PostgreSQL's tokenisers see the same input: PostgreSQL would otherwise
# read "<b>", e-mail addresses and URLs as single tokens where SQLite splits them.
SERVICE_TEXT = FullText("service", ["search_text"])
_WORDS = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> str:
    """`text` as lower-case words without accents, separated by spaces."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(w.strip("_") for w in _WORDS.findall(folded.lower()) if w.strip("_"))


class Service(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    organization = ForeignKeyField(Organization, backref="services", on_delete="RESTRICT")
    name = CharField(max_length=200)
    description = TextField(default="")
    url = CharField(max_length=500, default="")
    email = CharField(max_length=254, default="")
    status = CharField(max_length=20, default="active", choices=list(SERVICE_STATUSES.items()))
    # Eligibility.
    minimum_age = IntegerField(null=True)
    maximum_age = IntegerField(null=True)
    women_only = BooleanField(default=False, index=True)
    probation_only = BooleanField(default=False)
    self_referral = BooleanField(default=False)
    # How to refer: the methods accepted (keys of REFERRAL_METHODS, comma-separated) and
    # the instructions (HSDS application_process).
    referral_methods = CharField(max_length=60, default="")
    how_to_refer = TextField(default="")
    languages = CharField(max_length=300, default="")
    opening_hours = TextField(default="")
    accessibility = TextField(default="")
    # Last verified (HSDS assured_date / assurer_email).
    verified_on = DateField(null=True)
    verified_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    assurer_email = CharField(max_length=254, default="")
    archived_at = DateTimeField(null=True)
    archived_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    # Organisation name, categories, boroughs and languages, for the full-text index.
    search_text = TextField(default="")
    extra = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "service"

    # -- reading ----------------------------------------------------------------------
    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def method_keys(self) -> list[str]:
        return [k for k in (self.referral_methods or "").split(",") if k in REFERRAL_METHODS]

    @property
    def method_labels(self) -> list[str]:
        return [REFERRAL_METHODS[k] for k in self.method_keys]

    @property
    def status_label(self) -> str:
        return SERVICE_STATUSES.get(self.status, self.status)

    @property
    def age_range(self) -> str:
        low, high = self.minimum_age, self.maximum_age
        if low is None and high is None:
            return "Any age"
        if high is None:
            return f"{low} and over"
        if low is None:
            return f"Up to {high}"
        return f"{low} to {high}"

    def is_stale(self, today: dt.date | None = None) -> bool:
        """Not verified in the last 12 months (or never)."""
        today = today or dt.date.today()
        return self.verified_on is None or self.verified_on < twelve_months_before(today)

    def boroughs(self) -> list[str]:
        return [a.borough for a in self.service_areas.order_by(ServiceArea.borough)
                if a.borough]

    def category_terms(self) -> list[TaxonomyTerm]:
        return list(TaxonomyTerm.select().join(ServiceTerm)
                    .where(ServiceTerm.service == self).order_by(TaxonomyTerm.name))

    @classmethod
    def offered(cls):
        """Services that can be referred to: not archived."""
        return cls.select().where(cls.archived_at.is_null())

    @classmethod
    def by_uuid(cls, value) -> "Service | None":
        try:
            key = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError:
            return None
        return cls.get_or_none(cls.uuid == key)

    # -- writing ----------------------------------------------------------------------
    def set_boroughs(self, boroughs: list[str]) -> None:
        """Serve exactly these boroughs (other, non-borough service areas stay)."""
        wanted = {b for b in boroughs if b in LONDON_BOROUGHS}
        current = {a.borough: a for a in self.service_areas if a.borough}
        for borough, area in current.items():
            if borough not in wanted:
                area.delete_instance()
        for borough in sorted(wanted - set(current)):
            ServiceArea.create(service=self, name=borough, service_area=borough,
                               borough=borough, uuid=pathways_uuid("area", self.uuid, borough))

    def set_categories(self, terms: list["TaxonomyTerm"]) -> None:
        """Classify the service under exactly these of Pathways' categories (terms of
        other taxonomies, e.g. imported ones, stay)."""
        wanted = {t.id for t in terms if t.is_category}
        links = list(self.terms)
        for link in links:
            if link.term.is_category and link.term_id not in wanted:
                link.delete_instance()
        have = {link.term_id for link in links}
        for term_id in sorted(wanted - have):
            ServiceTerm.create(service=self, term=term_id, link_type="category")

    def refresh_search_text(self) -> None:
        """Recompute the words the search box finds this service by (call before save)."""
        parts = [self.name, self.description,
                 self.organization.name if self.organization_id else ""]
        if self.id:
            parts += [t.name for t in self.category_terms()]
            parts += [t.maps_to.name for t in self.category_terms() if t.maps_to_id]
            parts += self.boroughs()
        parts += [self.languages or ""]
        self.search_text = search_words(" ".join(p for p in parts if p))


class Location(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    name = CharField(max_length=200, default="")
    description = TextField(default="")
    location_type = CharField(max_length=20, default="physical")
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
    extra = TextField(default="")

    class Meta:
        table_name = "location"


class Address(BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    location = ForeignKeyField(Location, backref="addresses", on_delete="CASCADE")
    attention = CharField(max_length=200, default="")
    address_1 = CharField(max_length=200, default="")
    address_2 = CharField(max_length=200, default="")
    city = CharField(max_length=100, default="")
    region = CharField(max_length=100, default="")
    state_province = CharField(max_length=100, default="")
    postal_code = CharField(max_length=20, default="")
    country = CharField(max_length=2, default="GB")
    address_type = CharField(max_length=20, default="physical")

    class Meta:
        table_name = "address"

    @property
    def one_line(self) -> str:
        parts = [self.address_1, self.address_2, self.city, self.postal_code]
        return ", ".join(p for p in parts if p)


class ServiceAtLocation(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    service = ForeignKeyField(Service, backref="service_at_locations", on_delete="CASCADE")
    location = ForeignKeyField(Location, backref="service_at_locations", on_delete="RESTRICT")
    extra = TextField(default="")

    class Meta:
        table_name = "service_at_location"


class Contact(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    service = ForeignKeyField(Service, backref="contacts", on_delete="CASCADE")
    name = CharField(max_length=200, default="")
    title = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    extra = TextField(default="")

    class Meta:
        table_name = "contact"


class Phone(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    service = ForeignKeyField(Service, null=True, backref="phones", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="phones", on_delete="CASCADE")
    number = CharField(max_length=60)
    description = TextField(default="")
    extra = TextField(default="")

    class Meta:
        table_name = "phone"


class ServiceArea(JsonExtra, BaseModel):
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    service = ForeignKeyField(Service, backref="service_areas", on_delete="CASCADE")
    name = CharField(max_length=300, default="")
    service_area = TextField(default="")
    # One of LONDON_BOROUGHS when the area is a borough (what the filter uses), else "".
    borough = CharField(max_length=40, default="", index=True)
    extra = TextField(default="")

    class Meta:
        table_name = "service_area"


class ServiceTerm(BaseModel):
    """An HSDS attribute: a service classified by a taxonomy term."""
    uuid = UUIDField(unique=True, default=uuid.uuid4)
    service = ForeignKeyField(Service, backref="terms", on_delete="CASCADE")
    term = ForeignKeyField(TaxonomyTerm, backref="service_links", on_delete="RESTRICT")
    link_type = CharField(max_length=60, default="")

    class Meta:
        table_name = "service_term"
        indexes = ((("service", "term"), True),)


IMPORT_STATUSES = {"pending": "Waiting for confirmation", "applied": "Imported",
                   "cancelled": "Cancelled"}


class DirectoryImport(BaseModel):
    """An uploaded Open Referral file between its preview and its confirmation: what was
    read from it (normalised HSDS objects, as JSON), applied only when confirmed."""
    token = UUIDField(unique=True, default=uuid.uuid4)
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)
    filename = CharField(max_length=200, default="")
    file_format = CharField(max_length=10)
    payload = TextField()
    status = CharField(max_length=10, default="pending", choices=list(IMPORT_STATUSES.items()))
    applied_at = DateTimeField(null=True)
    summary = CharField(max_length=300, default="")

    class Meta:
        table_name = "directory_import"


DIRECTORY_MODELS = [Organization, Taxonomy, TaxonomyTerm, Service, Location, Address,
                    ServiceAtLocation, Contact, Phone, ServiceArea, ServiceTerm,
                    DirectoryImport]


def borough_named(text: str | None) -> str:
    """The London borough `text` names ("LB Hackney", "Royal Borough of Greenwich"), or ""."""
    value = " ".join((text or "").replace("&", "and").lower().split())
    for prefix in ("london borough of ", "royal borough of ", "lb ", "city of westminster"):
        if value.startswith(prefix) and prefix != "city of westminster":
            value = value[len(prefix):]
        elif value == "city of westminster":
            value = "westminster"
    for borough in LONDON_BOROUGHS:
        if value == borough.lower():
            return borough
    return ""


def _filtered(q: str, category, borough: str, women_only: bool, include_archived: bool):
    """Services matching the words of `q` (full-text index) and the filters, unordered."""
    query = Service.select()
    if not include_archived:
        query = query.where(Service.archived_at.is_null())
    if q:
        query = query.where(SERVICE_TEXT.matches(Service.id, q))
    if category is not None:
        mapped = TaxonomyTerm.select(TaxonomyTerm.id).where(
            (TaxonomyTerm.id == category.id) | (TaxonomyTerm.maps_to == category.id))
        query = query.where(Service.id.in_(
            ServiceTerm.select(ServiceTerm.service).where(ServiceTerm.term.in_(mapped))))
    if borough:
        query = query.where(Service.id.in_(
            ServiceArea.select(ServiceArea.service).where(ServiceArea.borough == borough)))
    if women_only:
        query = query.where(Service.women_only == True)  # noqa: E712 (peewee expression)
    return query


def relevance(words: list[str]) -> list:
    """ORDER BY terms, best first: more of the words starting a word of the name, then
    shorter entries (a focused service before one that lists everything), then name.
    Plain SQL on columns, so SQLite and PostgreSQL give the same order."""
    spaced = fn.LOWER(SQL("' '") .concat(Service.name))
    hits = None
    for term in words:
        hit = Case(None, [(spaced.contains(" " + term), 1)], 0)
        hits = hit if hits is None else hits + hit
    return [hits.desc(), fn.LENGTH(Service.search_text), fn.LOWER(Service.name), Service.id]


def find_services(q: str = "", *, category: TaxonomyTerm | None = None, borough: str = "",
                  women_only: bool = False, sort: str = "relevance",
                  include_archived: bool = False, page: int = 1, per_page: int = 20
                  ) -> tuple[int, list[Service]]:
    """(how many services match, this page of them with their organisation), best first.
    The full-text index finds the matches; the filters narrow them. Answers are kept until
    the directory next changes (models/directory_cache.py)."""
    from .directory_cache import search_results
    key = ("find_services", q, category.id if category is not None else None, borough,
           women_only, sort, include_archived, page, per_page)
    return search_results.get_or_compute(key, lambda: _find_services_now(
        q, category=category, borough=borough, women_only=women_only, sort=sort,
        include_archived=include_archived, page=page, per_page=per_page))


def _find_services_now(q: str, *, category, borough, women_only, sort, include_archived,
                       page, per_page) -> tuple[int, list[Service]]:
    from .search import terms
    q = search_words(q)
    words = terms(q)
    query = _filtered(q if words else "", category, borough, women_only, include_archived)
    if sort == "relevance" and words:
        order = relevance(words)
    elif sort == "verified":
        order = [Service.verified_on.desc(nulls="LAST"), fn.LOWER(Service.name), Service.id]
    else:
        order = [fn.LOWER(Service.name), Service.id]
    # One query: only what a result shows, its first phone number, and (a window count)
    # how many match in all. A search answers while someone types, so it stays light.
    first_phone = NodeList((
        SQL("(SELECT p.number FROM phone AS p WHERE p.service_id ="), Service.id,
        SQL("ORDER BY p.id LIMIT 1)"))).alias("first_phone")
    # Without search words the page comes straight off the by-name index, which a window
    # count over every service would defeat: count separately then.
    columns = [*LISTED, first_phone]
    if words:
        columns.append(fn.COUNT(SQL("*")).over().alias("match_count"))
    rows = list(query.select(*columns).join(Organization).order_by(*order)
                .paginate(page, per_page))
    if words and rows:
        total = rows[0].match_count
    else:
        total = query.count() if (rows or page > 1 or not words) else 0
    return total, rows


LISTED = (Service.id, Service.uuid, Service.name, Service.description, Service.women_only,
          Service.referral_methods, Service.verified_on, Service.archived_at,
          Service.organization, Organization.id, Organization.name)


SORTS = {"relevance": "Best match", "name": "Name (A to Z)", "verified": "Recently verified"}


def search_services(q: str = "", **filters) -> list[Service]:
    """Every matching service, best first (see find_services)."""
    total, services = find_services(q, page=1, per_page=100_000, **filters)
    return services


def ensure_pathways_taxonomies() -> None:
    """Make sure Pathways' category and eligibility terms exist (migration 020 adds them;
    this puts them back in a database emptied by hand, e.g. the PostgreSQL test schema)."""
    for (slug, label), terms, kind in ((CATEGORY_TAXONOMY, CATEGORIES, "category"),
                                       (ELIGIBILITY_TAXONOMY,
                                        [(s, lab) for s, lab, _ in ELIGIBILITY_TERMS],
                                        "eligibility")):
        key = pathways_uuid("taxonomy", slug)
        taxonomy = Taxonomy.get_or_none(Taxonomy.uuid == key) or Taxonomy.create(
            uuid=key, name=label, description=f"{label}: the terms Pathways' service "
                                              f"directory uses.", version="1")
        for term_slug, term_label in terms:
            term_key = pathways_uuid(kind, term_slug)
            if TaxonomyTerm.get_or_none(TaxonomyTerm.uuid == term_key) is None:
                TaxonomyTerm.create(uuid=term_key, taxonomy=taxonomy, name=term_label,
                                    description=term_label, code=term_slug, term=term_label,
                                    taxonomy_label=label)
