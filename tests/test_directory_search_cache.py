"""Directory search results are kept between requests until the directory changes: any
change to a directory table, by any route, renews the stamp the results are kept under."""
import re

import pytest

from models.base import db, utcnow, writing
from models.directory import Organization, Phone, Service, find_services
from models.directory_cache import directory_generation, search_results
from tests.directory_factories import make_service, taxonomies  # noqa: F401

pytestmark = pytest.mark.usefixtures("taxonomies")


def text(response) -> str:
    """What the page says, without its markup (matches are highlighted)."""
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def names(q, **filters):
    return [s.name for s in find_services(q, **filters)[1]]


def test_a_repeated_search_reuses_its_answer_without_asking_the_database(app):
    make_service("Hackney Housing Advice", description="Supported accommodation.")
    search_results.clear()
    first = find_services("housing")
    again = find_services("housing")
    assert again is first  # the same kept answer, not a new query
    assert [s.name for s in first[1]] == ["Hackney Housing Advice"]


@pytest.mark.parametrize("change", ["rename", "new_service", "archive", "organisation",
                                    "phone", "plain_sql"])
def test_any_change_to_the_directory_renews_the_stamp_and_the_results(app, change):
    service = make_service("Hackney Housing Advice", organization="Shelter Point",
                           description="Supported accommodation.", phone="020 7000 0001")
    before_stamp = directory_generation()
    before = find_services("housing")
    with writing():
        if change == "rename":
            service.name = "Hackney Housing and Tenancy Advice"
            service.refresh_search_text()
            service.save()
        elif change == "new_service":
            make_service("Newham Housing Line", description="Housing advice by phone.")
        elif change == "archive":
            Service.update(archived_at=utcnow()).where(Service.id == service.id).execute()
        elif change == "organisation":
            Organization.update(name="Shelter Point London").execute()
        elif change == "phone":
            Phone.update(number="020 7000 0002").execute()
        else:  # a change made outside Pathways' code still counts
            db.execute_sql("UPDATE service SET description = 'Changed by hand'")
    assert directory_generation() != before_stamp
    after = find_services("housing")
    assert after is not before
    if change == "rename":
        assert [s.name for s in after[1]] == ["Hackney Housing and Tenancy Advice"]
    elif change == "new_service":
        assert sorted(names("housing")) == ["Hackney Housing Advice", "Newham Housing Line"]
    elif change == "archive":
        assert after == (0, [])
    elif change == "organisation":
        assert after[1][0].organization.name == "Shelter Point London"


def test_the_live_search_page_shows_a_change_made_since_the_last_keystroke(client_as, app):
    service = make_service("Hackney Housing Advice", description="Supported accommodation.")
    client = client_as("practitioner")
    page = text(client.get("/directory/?q=housing", headers={"HX-Request": "true"}))
    assert "Hackney Housing Advice" in page
    with writing():
        service.name = "Hackney Housing and Tenancy Advice"
        service.refresh_search_text()
        service.save()
    page = text(client.get("/directory/?q=housing", headers={"HX-Request": "true"}))
    assert "Hackney Housing and Tenancy Advice" in page and "Hackney Housing Advice" not in page


def test_without_the_stamp_row_nothing_is_kept_and_answers_stay_right(app):
    make_service("Hackney Housing Advice", description="Supported accommodation.")
    with writing():
        db.execute_sql("DELETE FROM directory_generation")
    assert directory_generation() is None
    first = find_services("housing")
    assert find_services("housing") is not first
    assert [s.name for s in first[1]] == ["Hackney Housing Advice"]


def test_hostile_search_text_is_kept_apart_and_shown_escaped(client_as, app):
    make_service("Hackney Housing Advice", description="Supported accommodation.")
    client = client_as("practitioner")
    for q in ["<script>alert(1)</script>", "'; DROP TABLE service; --", "../../etc/passwd"]:
        response = client.get("/directory/", query_string={"q": q},
                              headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert Service.select().count() == 1
    assert names("housing") == ["Hackney Housing Advice"]
