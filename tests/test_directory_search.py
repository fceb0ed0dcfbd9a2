"""Practitioners find services as they type: full-text search with filters, the same on
SQLite and PostgreSQL, as a plain GET form and as an htmx fragment."""
import datetime as dt
import re

import pytest

from models.directory import search_services
from tests.directory_factories import category, make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")


@pytest.fixture
def services(app):
    """A small London directory."""
    return {
        "hackney_housing": make_service(
            "Hackney Housing Advice", organization="Shelter Point",
            description="Advice on homelessness and supported accommodation.",
            categories=["Housing"], boroughs=["Hackney"], phone="020 7000 0001"),
        "womens_centre": make_service(
            "Eastside Women's Centre", organization="Women Together",
            description="Drop-in, counselling and housing support for women.",
            categories=["Women's centres", "Housing"], boroughs=["Hackney", "Newham"],
            women_only=True),
        "debt": make_service(
            "Money Matters", organization="Citizens Help",
            description="Debt advice and help with benefits claims.",
            categories=["Debt", "Benefits"], boroughs=["Lambeth"],
            verified_on=dt.date.today() - dt.timedelta(days=400)),
        "drugs": make_service(
            "Southwark Recovery Hub", organization="Change Ahead",
            description="Drug and alcohol treatment, needle exchange, recovery groups.",
            categories=["Substance"], boroughs=["Southwark"]),
        "archived": make_service(
            "Old Housing Project", organization="Shelter Point",
            description="Closed housing scheme.", categories=["Housing"],
            boroughs=["Hackney"], archived_at=dt.datetime(2025, 1, 1)),
    }


def names(query):
    return [s.name for s in query]


def test_words_match_name_description_organisation_and_category(services):
    assert names(search_services("recovery")) == ["Southwark Recovery Hub"]
    assert names(search_services("citizens")) == ["Money Matters"]  # organisation
    assert names(search_services("benefits")) == ["Money Matters"]  # category and text
    assert names(search_services("newham")) == ["Eastside Women's Centre"]  # borough
    assert names(search_services("hous hackn")) == ["Hackney Housing Advice",
                                                    "Eastside Women's Centre"]


def test_services_with_the_words_in_their_name_rank_first(services):
    # "housing" is in one name and in another's description and category.
    assert names(search_services("housing")) == ["Hackney Housing Advice",
                                                 "Eastside Women's Centre"]


def test_filters_narrow_the_results(services):
    housing = category("Housing")
    assert names(search_services("", category=housing)) == ["Eastside Women's Centre",
                                                            "Hackney Housing Advice"]
    assert names(search_services("", borough="Newham")) == ["Eastside Women's Centre"]
    assert names(search_services("", women_only=True)) == ["Eastside Women's Centre"]
    assert names(search_services("housing", category=housing, borough="Hackney",
                                 women_only=True)) == ["Eastside Women's Centre"]


def test_archived_services_are_not_offered(services):
    assert "Old Housing Project" not in names(search_services("housing"))
    assert "Old Housing Project" in names(search_services("housing", include_archived=True))


def test_an_imported_term_mapped_to_a_category_counts_for_its_filter(services):
    from models.directory import ServiceTerm, TaxonomyTerm
    imported = TaxonomyTerm.create(name="Homelessness (imported)", maps_to=category("Housing"))
    ServiceTerm.create(service=services["drugs"], term=imported)
    assert "Southwark Recovery Hub" in names(search_services("", category=category("Housing")))


def test_search_page_works_without_javascript(services, client_as):
    page = client_as("practitioner").get("/directory/?q=housing&borough=Hackney&women=y")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Find a service</h1>" in text
    assert "1 service found" in text and "Eastside Women" in text
    assert "Hackney Housing Advice" not in text
    assert 'value="housing"' in text  # the form keeps what was searched (bookmarkable)
    assert re.search(r'<option selected value="Hackney">|<option value="Hackney" selected>', text)


def test_htmx_gets_only_the_results_fragment(services, client_as):
    client = client_as("practitioner")
    whole = client.get("/directory/?q=money")
    part = client.hx_get("/directory/?q=money")
    assert "<html" in whole.get_data(as_text=True)
    fragment = part.get_data(as_text=True)
    assert "<html" not in fragment and "<form" not in fragment
    assert "1 service found" in fragment and "<mark>Money</mark> Matters" in fragment
    assert "HX-Request" in part.headers["Vary"]


def test_results_show_how_to_refer_and_the_stale_flag(services, client_as):
    text = client_as("practitioner").hx_get("/directory/?q=money").get_data(as_text=True)
    assert "Refer by: Phone, Email" in text
    assert "Not verified for 12 months" in text
    fresh = client_as("practitioner").hx_get("/directory/?q=hackney").get_data(as_text=True)
    assert "020 7000 0001" in fresh and "Not verified for 12 months" not in fresh


def test_a_fragment_of_20_results_stays_small(app, client_as):
    for n in range(25):
        make_service(f"Community Support Service {n}", organization=f"Organisation {n}",
                     description="Long description of what the service offers. " * 10,
                     categories=["Community"], boroughs=["Camden", "Islington"],
                     phone="020 7946 0000")
    part = client_as("practitioner").hx_get("/directory/?q=community")
    body = part.get_data()
    assert body.count(b'class="app-result"') == 20 and b"25 services found" in body
    assert len(body) <= 10 * 1024, len(body)
    assert b"page=2" in body
    second = client_as("practitioner").hx_get("/directory/?q=community&page=2").get_data()
    assert second.count(b'class="app-result"') == 5 and b"25 services found" in second
    beyond = client_as("practitioner").hx_get("/directory/?q=community&page=9").get_data()
    assert b'class="app-result"' not in beyond and b"25 services found" in beyond
    listing = client_as("practitioner").hx_get("/directory/?page=2").get_data()
    assert listing.count(b'class="app-result"') == 5 and b"25 services found" in listing


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
                               "x" * 500, "\x00"])
def test_hostile_searches_are_harmless(services, client_as, q):
    response = client_as("practitioner").get("/directory/", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_unknown_filter_values_are_ignored(services, client_as):
    response = client_as("practitioner").get("/directory/?category=nonsense&borough=Paris&sort=x")
    assert response.status_code == 200
    assert "4 services found" in response.get_data(as_text=True)


def test_admins_do_not_use_the_directory(client_as):
    assert client_as("admin").get("/directory/").status_code == 403


def test_markup_emails_and_hyphens_are_words_on_both_databases(app, taxonomies):
    # PostgreSQL's parser alone would read these as tags, e-mail addresses and URLs.
    make_service("Drop-in Clinic", description="<b>Walk-in</b> help: ask info@clinic.example "
                 "or see https://clinic.example/café")
    for q in ("drop", "walk in", "clinic example", "info", "cafe", "café"):
        assert names(search_services(q)) == ["Drop-in Clinic"], q
