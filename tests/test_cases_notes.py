"""Case notes: adding them inline (htmx) and without JavaScript, the timeline newest first
with 'older notes', amendments that keep the original, and safeguarding notes seen only by
the note's team."""
import datetime as dt
import re
import time

from models.audit import AuditEvent
from models.notes import CaseNote, CaseNoteAmendment
from models.people import ReferralShare
from models.timeline import add_timeline_event
from tests.factories import make_note, make_referral, make_user


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action))


def test_adding_a_note_with_htmx_updates_the_timeline_in_place(client_as, team_a, users):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    body = "Seen at 09:10.\nCalm, <b>engaged</b>; agreed to a GP referral."
    response = client.post_form(f"/people/{referral.person_id}/notes",
                                {"referral": referral.id, "note_type": "assessment", "body": body},
                                htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html  # a fragment, not a page
    assert "Note added" in html
    assert "Seen at 09:10.<br>\nCalm, &lt;b&gt;engaged&lt;/b&gt;" in html
    assert "Amend<span" in html  # the author may amend it
    note = CaseNote.get()
    assert (note.body, note.author_id, note.team_id, note.note_type) == (
        body, users["practitioner"].id, team_a.id, "assessment")
    [event] = events("note.created")
    assert event.person_id == referral.person_id and "engaged" not in event.detail


def test_adding_a_note_without_javascript_redirects_to_it(client_as, team_a):
    referral = make_referral(team=team_a)
    response = client_as("practitioner").post_form(f"/people/{referral.person_id}/notes", {
        "referral": referral.id, "note_type": "contact", "body": "Phoned, no answer."})
    note = CaseNote.get()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/people/{referral.person_id}#note-{note.id}")


def test_bad_notes_are_refused_and_nothing_is_stored(client_as, team_a, team_b):
    referral = make_referral(team=team_a)
    their_referral = make_referral(referral.person, team_b)
    client = client_as("practitioner")
    url = f"/people/{referral.person_id}/notes"
    for data, message in [
        ({"referral": referral.id, "note_type": "contact", "body": ""}, "Enter the note"),
        ({"referral": referral.id, "note_type": "contact", "body": "x" * 20_001},
         "Note must be 20,000 characters or fewer"),
        ({"referral": referral.id, "note_type": "gossip", "body": "x"}, "from the list"),
        ({"referral": their_referral.id, "note_type": "contact", "body": "x"},
         "from the list"),
        ({"referral": "'; DROP TABLE case_note; --", "note_type": "contact", "body": "x"},
         "from the list"),
        ({"referral": referral.id, "note_type": "contact", "body": "bell\x07"},
         "must not contain control characters"),
        # no document may hold it: the subject access export would fail
        ({"referral": referral.id, "note_type": "contact", "body": "odd\uffff"},
         "must not contain control characters"),
    ]:
        for htmx in (False, True):
            response = client.post_form(url, data, htmx=htmx)
            assert response.status_code == 200, data
            assert message in response.get_data(as_text=True), data
    assert CaseNote.select().count() == 0


def test_a_twenty_thousand_character_note_is_kept_whole(client_as, team_a):
    referral = make_referral(team=team_a)
    body = ("word " * 4000)[:20_000]
    client_as("practitioner").post_form(f"/people/{referral.person_id}/notes", {
        "referral": referral.id, "note_type": "other", "body": body})
    assert CaseNote.get().body == body


def test_line_breaks_count_once_toward_the_limit_as_the_text_box_counts_them(
        client_as, team_a, users):
    """A browser sends each line break as CR LF, while the text box's maxlength counts
    one: a note the box let through is not refused, and is stored with plain breaks."""
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    body = "x" * 19_990 + "\r\n" * 10
    client.post_form(f"/people/{referral.person_id}/notes", {
        "referral": referral.id, "note_type": "other", "body": body})
    note = CaseNote.get()
    assert note.body == "x" * 19_990 + "\n" * 10
    page = client.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "y" * 19_990 + "\r\n" * 10, "amend-reason": "Wrong person's details",
        "amend-version": note.version})
    assert page.status_code == 302
    assert CaseNote.get().body == "y" * 19_990 + "\n" * 10


def test_timeline_is_newest_first_merges_events_and_pages_older_notes(client_as, team_a, users):
    referral = make_referral(team=team_a)
    start = dt.datetime(2026, 1, 1, 9, 0)
    for n in range(45):
        make_note(referral, users["practitioner"], body=f"Note number {n:02d}",
                at=start + dt.timedelta(minutes=n))
    event = add_timeline_event(referral, users["manager"], "letter", "Court letter written")
    event.at = start + dt.timedelta(minutes=30, seconds=30)
    event.save()
    client = client_as("practitioner")
    page = client.get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert page.index("Note number 44") < page.index("Note number 43")
    # 20 entries a page: notes 44 to 26 and the event between notes 30 and 31.
    assert "Note number 26" in page and "Note number 25" not in page
    assert page.index("Note number 31") < page.index("Court letter written") < page.index(
        "Note number 30")
    older = page.split('id="timeline-more"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.hx_get(older).get_data(as_text=True)
    assert "<html" not in fragment
    assert "Note number 25" in fragment and "Note number 26" not in fragment
    assert "Note number 06" in fragment and "Note number 05" not in fragment
    last = fragment.split('id="timeline-more"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    final = client.get(last).get_data(as_text=True)  # without JS: a page
    assert "<html" in final and "Note number 00" in final and 'id="timeline-more"' not in final
    assert client.get(f"/people/{referral.person_id}/timeline?before=junk").status_code == 404


def test_safeguarding_notes_are_seen_only_by_the_notes_team(client_as, app, team_a, team_b,
                                                            users, other_team_user):
    referral = make_referral(team=team_a)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    make_note(referral, users["practitioner"], body="Ordinary contact note")
    secret = make_note(referral, users["practitioner"], body="Safeguarding concern raised",
                     note_type="safeguarding")
    mine = client_as("practitioner").get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert "Safeguarding concern raised" in mine
    other = app.test_client().sign_in(other_team_user)
    theirs = other.get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert "Ordinary contact note" in theirs and "Safeguarding concern raised" not in theirs
    assert other.get(f"/notes/{secret.id}/history").status_code == 404
    assert other.get(f"/notes/{secret.id}/amend").status_code == 404


def test_author_amends_a_note_and_the_original_is_kept(client_as, team_a, users):
    referral = make_referral(team=team_a)
    note = make_note(referral, users["practitioner"], body="Seen on Tuesday")
    client = client_as("practitioner")
    form = client.hx_get(f"/notes/{note.id}/amend").get_data(as_text=True)
    assert "<html" not in form and "Seen on Tuesday" in form
    response = client.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "Seen on Wednesday", "amend-reason": "Wrong day", "amend-version": "1"}, htmx=True)
    html = response.get_data(as_text=True)
    assert "Seen on Wednesday" in html and "Amended" in html
    assert "Amend<span" in html and "Show earlier versions" in html
    stored = CaseNote.get_by_id(note.id)
    assert (stored.body, stored.amendment_count, stored.version) == ("Seen on Wednesday", 1, 2)
    [amendment] = CaseNoteAmendment.select()
    assert (amendment.previous_body, amendment.new_body, amendment.reason) == (
        "Seen on Tuesday", "Seen on Wednesday", "Wrong day")
    history = client.hx_get(f"/notes/{note.id}/history").get_data(as_text=True)
    assert "Seen on Tuesday" in history and "Wrong day" in history
    assert len(events("note.amended")) == 1 and len(events("note.history_viewed")) == 1
    # The amend form and the note alone (the form's "Cancel") show its text: each is a view.
    assert "Seen on Wednesday" in client.hx_get(f"/notes/{note.id}").get_data(as_text=True)
    assert [(e.object_id, e.person_id, e.detail) for e in events("note.viewed")] == [
        (str(note.id), referral.person_id, "amend form"), (str(note.id), referral.person_id, "")]
    # A second amendment from a stale form is refused; the first stays.
    stale = client.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "Seen on Thursday", "amend-reason": "x", "amend-version": "1"}).get_data(as_text=True)
    assert "Someone else amended this note" in stale
    assert CaseNote.get_by_id(note.id).body == "Seen on Wednesday"
    # Their text is shown, what was typed is kept, and saving again now applies it.
    current = stale.split(f'id="note-{note.id}-current">')[1].split("</textarea>")[0]
    assert "Seen on Wednesday" in current.split("<textarea")[0]
    assert "\nSeen on Thursday</textarea>" in stale
    version = re.search(r'name="amend-version" type="hidden" value="(\d+)"', stale).group(1)
    assert version == "2"
    client.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "Seen on Thursday", "amend-reason": "x", "amend-version": version})
    assert CaseNote.get_by_id(note.id).body == "Seen on Thursday"
    assert CaseNoteAmendment.select().count() == 2


def test_amendment_needs_a_reason_and_a_change(client_as, team_a, users):
    note = make_note(make_referral(team=team_a), users["practitioner"], body="Same")
    client = client_as("practitioner")
    page = client.post_form(f"/notes/{note.id}/amend", {"amend-body": "Other", "amend-reason": "",
                                                        "amend-version": "1"}).get_data(as_text=True)
    assert "Enter the reason for the amendment" in page
    page = client.post_form(f"/notes/{note.id}/amend", {"amend-body": "Same", "amend-reason": "typo",
                                                        "amend-version": "1"}).get_data(as_text=True)
    assert "same as the current one" in page
    assert CaseNoteAmendment.select().count() == 0


def test_only_the_author_or_a_manager_of_the_team_may_amend(client_as, app, team_a, users):
    note = make_note(make_referral(team=team_a), users["practitioner"])
    colleague = app.test_client().sign_in(make_user("practitioner", [team_a]))
    assert colleague.get(f"/notes/{note.id}/amend").status_code == 403
    assert colleague.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "x", "amend-reason": "y", "amend-version": "1"}).status_code == 403
    manager = client_as("manager")
    response = manager.post_form(f"/notes/{note.id}/amend", {
        "amend-body": "Corrected by manager", "amend-reason": "Wrong person named",
        "amend-version": "1"})
    assert response.status_code == 302
    assert CaseNote.get_by_id(note.id).body == "Corrected by manager"


def test_a_note_posted_after_the_session_expired_is_given_back(app, client_as, team_a, users):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    with client.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - 3 * 3600
    body = "A long note typed over an hour. " * 200
    response = client.post_form(f"/people/{referral.person_id}/notes", {
        "referral": referral.id, "note_type": "contact", "body": body},
        headers={"Origin": "http://localhost"})
    page = response.get_data(as_text=True)
    assert "Sign in to Pathways" in page and "nothing you typed has been lost" in page
    assert 'name="carry_value" value="A long note typed' in page
    assert CaseNote.select().count() == 0
    # After signing in, the resubmit page posts the note to the same address.
    from tests.factories import PASSWORD
    data = {"email": users["practitioner"].email, "password": PASSWORD,
            "next": f"/people/{referral.person_id}/notes"}
    carried = [("referral", str(referral.id)), ("note_type", "contact"), ("body", body)]
    resubmit = client.post_form("/login", dict(data, carry_name=[c[0] for c in carried],
                                               carry_value=[c[1] for c in carried]))
    page = resubmit.get_data(as_text=True)
    assert "Your changes have not been saved yet" in page
    assert f'action="/people/{referral.person_id}/notes"' in page
    client.post_form(f"/people/{referral.person_id}/notes", dict(carried))
    assert CaseNote.get().body == body


def test_the_note_form_names_referrals_by_their_london_date(client_as, team_a):
    """Received at 00:30 on 5 June in London is 23:30 UTC on 4 June: the referral list of
    the note form says 05/06, as the referral itself does."""
    referral = make_referral(team=team_a, received_at=dt.datetime(2025, 6, 4, 23, 30))
    make_referral(referral.person, team_a, received_at=dt.datetime(2026, 1, 10, 9, 0))
    page = client_as("practitioner").get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert "Team A, received 05/06/2025" in page and "04/06/2025" not in page
    assert "Team A, received 10/01/2026" in page  # winter: London is UTC


def test_a_refused_note_without_javascript_shows_the_whole_person_page(client_as, team_a,
                                                                       users):
    """The page that gives the note back is the person page as it was: follow-ups and, for
    a manager, who has accessed the record, not a page with parts missing."""
    from models.follow_ups import FollowUp
    referral = make_referral(team=team_a)
    FollowUp.create(referral=referral, person=referral.person_id, team=team_a,
                    due_date=dt.date(2026, 12, 1), what="Chase the GP letter",
                    assigned_to=users["manager"], created_by=users["manager"])
    manager = client_as("manager")
    whole = manager.get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert "Chase the GP letter" in whole and "Who has accessed" in whole
    page = manager.post_form(f"/people/{referral.person_id}/notes", {
        "referral": referral.id, "note_type": "contact", "body": "x" * 20001})
    shown = page.get_data(as_text=True)
    assert page.status_code == 200 and "Note must be 20,000 characters or fewer" in shown
    assert "Chase the GP letter" in shown and "Who has accessed" in shown
    assert "x" * 20001 in shown  # what was typed is given back
