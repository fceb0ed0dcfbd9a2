"""record_url (blueprints/record_urls.py) gives the very URL url_for gives, for any id and
under any application root, and takes nothing but an int id."""
from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from blueprints.record_urls import record_url

ROUTES = [("cases.referral", "referral_id"), ("cases.detail", "person_id"),
          ("cases.amend_note", "note_id"), ("cases.note_history", "note_id")]


@pytest.mark.parametrize("root", ["", "/pathways"])
def test_it_matches_url_for_for_every_id(app, root):
    with app.test_request_context("/people", base_url="http://localhost" + root):
        for endpoint, name in ROUTES:
            for record_id in (1, 7, 42, 987654321, 10 ** 15):
                expected = url_for(endpoint, **{name: record_id})
                assert record_url(endpoint, **{name: record_id}) == expected
                assert expected.startswith(root + "/")


def test_each_application_root_gets_its_own_links(app):
    with app.test_request_context("/people"):
        plain = record_url("cases.detail", person_id=3)
    with app.test_request_context("/people", base_url="http://localhost/pathways"):
        rooted = record_url("cases.detail", person_id=3)
    assert rooted == "/pathways" + plain


@pytest.mark.parametrize("bad", ["3", "../admin", "1' OR '1'='1", None, 2.5, True])
def test_anything_but_an_int_id_is_refused(app, bad):
    with app.test_request_context("/people"), pytest.raises(TypeError, match="int id"):
        record_url("cases.detail", person_id=bad)


def test_a_route_without_that_argument_is_refused(app):
    with app.test_request_context("/people"), pytest.raises(BuildError):
        record_url("cases.detail", note_id=3)
