"""Share links: people without an account get exactly what a trainer shared, for as long
as the trainer allowed, and every use is in the audit trail."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from blueprints.library.sharing import end_of_day_utc
from models.audit import AuditEvent
from models.files import read_bytes
from models.library import Feedback, GuideVersion, ShareLink
from tests.library_data import make_guide, make_link, make_session


def actions(name: str) -> int:
    return AuditEvent.select().where(AuditEvent.action == name).count()


def test_trainer_makes_a_link_that_works_without_signing_in(app, client_as, users):
    guide = make_guide(users["trainer"])
    version = guide.current_version()
    today = dt.date.today()
    response = client_as("trainer").post_form(f"/library/versions/{version.id}/share", {
        "expires_on": (today + dt.timedelta(days=7)).isoformat(), "max_uses": "",
        "note": "Hackney PDU"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Copy the link now" in page
    url = re.search(r'id="share-url"[^>]*>([^<]+)<', page).group(1)
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits
    link = ShareLink.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash and link.note == "Hackney PDU"
    assert actions("library.share_link_created") == 1

    stranger = app.test_client()
    landing = stranger.get(f"/library/shared/{token}")
    assert landing.status_code == 200
    assert guide.title in landing.get_data(as_text=True)
    download = stranger.get(f"/library/shared/{token}/files/{version.id}")
    assert download.status_code == 200 and download.get_data() == read_bytes(version.file)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert ShareLink.get().use_count == 1
    assert GuideVersion.get_by_id(version.id).download_count == 1
    assert actions("library.share_opened") == 1 and actions("library.share_downloaded") == 1
    event = AuditEvent.get(AuditEvent.action == "library.share_downloaded")
    assert event.actor_id is None and event.object_id == str(link.id)


def test_a_link_reaches_only_what_it_was_made_for(app, users):
    shared = make_guide(users["trainer"], title="Shared guide")
    other = make_guide(users["trainer"], title="Other guide")
    _, token = make_link(users["trainer"], version=shared.current_version())
    client = app.test_client()
    assert client.get(f"/library/shared/{token}/files/{other.current_version().id}").status_code == 404
    assert client.get(f"/library/versions/{shared.current_version().id}/download").status_code == 302
    assert client.get(f"/library/shared/{token}/feedback").status_code == 404
    assert ShareLink.get().use_count == 0


def test_an_expired_link_shows_a_clear_page_and_never_the_file(app, users):
    guide = make_guide(users["trainer"])
    version = guide.current_version()
    _, token = make_link(users["trainer"], version=version, days=-1)
    client = app.test_client()
    for url in (f"/library/shared/{token}", f"/library/shared/{token}/files/{version.id}"):
        response = client.get(url)
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "This link has expired" in page and "%PDF" not in page
    assert GuideVersion.get_by_id(version.id).download_count == 0
    assert actions("library.share_refused") == 2


def test_a_revoked_link_stops_working_at_once(app, client_as, users):
    guide = make_guide(users["trainer"])
    version = guide.current_version()
    link, token = make_link(users["trainer"], version=version)
    stranger = app.test_client()
    assert stranger.get(f"/library/shared/{token}").status_code == 200
    response = client_as("manager").post_form(f"/library/share-links/{link.id}/revoke")
    assert response.status_code == 302
    assert ShareLink.get_by_id(link.id).revoked_by_id == users["manager"].id
    refused = stranger.get(f"/library/shared/{token}/files/{version.id}")
    assert refused.status_code == 410
    assert "This link has been withdrawn" in refused.get_data(as_text=True)
    assert actions("library.share_link_revoked") == 1


def test_a_download_limit_is_kept(app, users):
    guide = make_guide(users["trainer"])
    version = guide.current_version()
    _, token = make_link(users["trainer"], version=version, max_uses=2)
    client = app.test_client()
    url = f"/library/shared/{token}/files/{version.id}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 410]
    assert "used up" in client.get(url).get_data(as_text=True)
    assert ShareLink.get().use_count == 2
    assert GuideVersion.get_by_id(version.id).download_count == 2


def test_a_wrong_token_is_not_found(app, users):
    make_link(users["trainer"], version=make_guide(users["trainer"]).current_version())
    client = app.test_client()
    for token in ("x", "A" * 43, "../../etc/passwd", "' OR '1'='1", "t" * 500):
        response = client.get(f"/library/shared/{token}")
        assert response.status_code == 404, token


def test_guessing_tokens_is_throttled(app, users):
    guide = make_guide(users["trainer"])
    _, token = make_link(users["trainer"], version=guide.current_version())
    client = app.test_client()
    codes = [client.get(f"/library/shared/guess{n}").status_code for n in range(21)]
    assert codes[:20] == [404] * 20 and codes[20] == 429
    # While throttled, even a right token is refused from that address.
    assert client.get(f"/library/shared/{token}").status_code == 429
    other = app.test_client()
    assert other.get(f"/library/shared/{token}",
                     environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_the_handouts_of_a_session_can_be_shared(app, client_as, users, team_a):
    first = make_guide(users["trainer"], title="First handout")
    second = make_guide(users["trainer"], title="Second handout")
    not_handed_out = make_guide(users["trainer"], title="Not handed out")
    session = make_session(users["trainer"], team_a, handouts=[first.current_version(),
                                                             second.current_version()])
    response = client_as("trainer").post_form(
        f"/library/sessions/{session.id}/share/handouts",
        {"expires_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()})
    url = re.search(r'id="share-url"[^>]*>([^<]+)<', response.get_data(as_text=True)).group(1)
    token = url.rsplit("/", 1)[1]
    stranger = app.test_client()
    page = stranger.get(f"/library/shared/{token}").get_data(as_text=True)
    assert "First handout" in page and "Second handout" in page and "Not handed out" not in page
    assert "Alex Green" not in page  # nothing from the register
    assert stranger.get(f"/library/shared/{token}/files/{second.current_version().id}").status_code == 200
    assert stranger.get(
        f"/library/shared/{token}/files/{not_handed_out.current_version().id}").status_code == 404


def test_attendees_give_feedback_through_a_link(app, client_as, users, team_a):
    session = make_session(users["trainer"], team_a)
    _, token = make_link(users["trainer"], session=session, purpose="feedback", max_uses=1)
    stranger = app.test_client()
    landing = stranger.get(f"/library/shared/{token}")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/feedback")
    form = stranger.get(f"/library/shared/{token}/feedback").get_data(as_text=True)
    assert "How useful was the session?" in form and "Alex Green" not in form
    bad = stranger.post_form(f"/library/shared/{token}/feedback", {"what_to_change": "x" * 2001})
    assert "Choose how useful the session was" in bad.get_data(as_text=True)
    assert "What would you change must be 2000 characters or fewer" in bad.get_data(as_text=True)
    done = stranger.post_form(f"/library/shared/{token}/feedback", {
        "usefulness": "4", "what_to_change": "<script>alert(1)</script> More case studies"})
    assert "Thank you" in done.get_data(as_text=True)
    feedback = Feedback.get()
    assert (feedback.session_id, feedback.usefulness) == (session.id, 4)
    again = stranger.post_form(f"/library/shared/{token}/feedback", {"usefulness": "5"})
    assert again.status_code == 410 and Feedback.select().count() == 1
    page = client_as("trainer").get(f"/library/sessions/{session.id}").get_data(as_text=True)
    assert "average usefulness 4.0 out of 5" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; More case studies" in page


def test_share_form_refuses_bad_dates_and_limits(client_as, users):
    version = make_guide(users["trainer"]).current_version()
    client = client_as("trainer")
    cases = [({"expires_on": "2000-01-01"}, "The last day must be today or later"),
             ({"expires_on": (dt.date.today() + dt.timedelta(days=200)).isoformat()},
              "A link can work for at most 90 days"),
             ({"expires_on": "", }, "Enter the last day the link works"),
             ({"expires_on": dt.date.today().isoformat(), "max_uses": "lots"},
              "Enter a whole number, like 20"),
             ({"expires_on": dt.date.today().isoformat(), "max_uses": "0"},
              "Enter a number from 1 to 10000")]
    for data, message in cases:
        response = client.post_form(f"/library/versions/{version.id}/share", data)
        assert message in response.get_data(as_text=True), data
    assert ShareLink.select().count() == 0


def test_a_link_made_today_works_until_midnight_in_london():
    # 30 March 2026 is in British Summer Time: midnight in London is 23:00 UTC.
    assert end_of_day_utc(dt.date(2026, 3, 30)) == dt.datetime(2026, 3, 30, 23, 0)
    assert end_of_day_utc(dt.date(2026, 1, 15)) == dt.datetime(2026, 1, 16, 0, 0)


def test_drafts_cannot_be_shared(client_as, users):
    guide = make_guide(users["trainer"], published=False)
    version = GuideVersion.get(GuideVersion.guide == guide)
    assert client_as("trainer").get(f"/library/versions/{version.id}/share").status_code == 404


def test_only_editors_make_or_withdraw_links(client_as, users):
    version = make_guide(users["trainer"]).current_version()
    link, _ = make_link(users["trainer"], version=version)
    practitioner = client_as("practitioner")
    assert practitioner.get(f"/library/versions/{version.id}/share").status_code == 403
    assert practitioner.post_form(f"/library/share-links/{link.id}/revoke").status_code == 403
    assert ShareLink.get_by_id(link.id).revoked_at is None


def test_the_share_links_page_lists_state_and_uses(client_as, users):
    version = make_guide(users["trainer"]).current_version()
    make_link(users["trainer"], version=version, max_uses=5)
    make_link(users["trainer"], version=version, days=-2)
    make_link(users["trainer"], version=version, revoked=True)
    page = client_as("trainer").get("/library/share-links").get_data(as_text=True)
    assert "Active" in page and "Expired" in page and "Withdrawn" in page and "0 of 5" in page


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "/library/../admin"])
def test_withdrawing_never_redirects_off_site(client_as, users, back):
    link, _ = make_link(users["trainer"], version=make_guide(users["trainer"]).current_version())
    response = client_as("trainer").post_form(f"/library/share-links/{link.id}/revoke",
                                              {"back": back})
    location = response.headers["Location"]
    assert location.startswith("/library/") and "evil" not in location and ".." not in location
