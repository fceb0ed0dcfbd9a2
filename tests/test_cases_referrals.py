"""Referrals: opening one, hearings, triage, closing with an outcome and reopening under the
model's status rules."""
import datetime as dt
import re

from models.audit import AuditEvent
from models.people import Hearing, Referral
from tests.factories import make_person, make_referral


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action))


def test_opening_a_second_referral_for_a_known_person(client_as, team_a, users):
    person = make_referral(make_person(), team_a).person
    client = client_as("practitioner")
    assert "Open a referral" in client.get(f"/people/{person.id}/referrals/new").get_data(as_text=True)
    response = client.post_form(f"/people/{person.id}/referrals/new", {
        "team": team_a.id, "received_date": "2026-03-01", "received_time": "13:30",
        "source": "probation", "screening_route": "reactive", "reason": "Breach hearing",
        "assigned_to": users["manager"].id})
    assert response.status_code == 303
    referral = Referral.select().order_by(Referral.id.desc()).first()
    # 13:30 London time on 1 March (GMT) is stored as 13:30 UTC.
    assert referral.received_at == dt.datetime(2026, 3, 1, 13, 30)
    assert referral.assigned_to_id == users["manager"].id


def test_a_referral_cannot_be_opened_in_or_assigned_to_another_team(client_as, team_a, team_b,
                                                                    other_team_user):
    person = make_referral(make_person(), team_a).person
    client = client_as("practitioner")
    page = client.post_form(f"/people/{person.id}/referrals/new", {
        "team": team_b.id, "received_date": "2026-03-01", "received_time": "13:30",
        "source": "probation", "screening_route": "reactive", "reason": "x"}).get_data(as_text=True)
    assert "from the list" in page
    page = client.post_form(f"/people/{person.id}/referrals/new", {
        "team": team_a.id, "received_date": "2026-03-01", "received_time": "13:30",
        "source": "probation", "screening_route": "reactive", "reason": "x",
        "assigned_to": other_team_user.id}).get_data(as_text=True)
    assert "from the list" in page or "in the referral&#39;s team" in page
    assert Referral.select().count() == 1


def test_referral_page_shows_details_and_is_audited(client_as, team_a):
    referral = make_referral(make_person(given_name="Zainab", family_name="Hussain"), team_a,
                             reason="Line one\nLine <two>")
    page = client_as("practitioner").get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Zainab Hussain" in page and "Line one<br>\nLine &lt;two&gt;" in page
    assert [e.object_id for e in events("referral.viewed")] == [str(referral.id)]


def test_adding_a_hearing_and_refusing_a_bad_one(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    response = client.post_form(f"/referrals/{referral.id}/hearings", {
        "court": "Highbury Corner", "date": dt.date.today().isoformat(), "time": "10:00",
        "courtroom": "3", "purpose": "bail"})
    assert response.status_code == 303
    hearing = Hearing.get()
    assert (hearing.court, hearing.time, hearing.purpose) == ("Highbury Corner", dt.time(10), "bail")
    assert len(events("hearing.created")) == 1
    page = client.post_form(f"/referrals/{referral.id}/hearings", {
        "court": "", "date": "not a date", "purpose": "execution"}).get_data(as_text=True)
    assert "Enter the court" in page and "as a real date" in page and "from the list" in page
    assert Hearing.select().count() == 1


def test_triage_to_psychiatric_liaison(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    client.post_form(f"/referrals/{referral.id}/triage", {"triage_date": "2026-02-02",
                                                          "triage_result": "accepted"})
    stored = Referral.get_by_id(referral.id)
    assert (stored.triage_date, stored.triage_result) == (dt.date(2026, 2, 2), "accepted")
    page = client.post_form(f"/referrals/{referral.id}/triage", {
        "triage_date": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
        "triage_result": "accepted"}).get_data(as_text=True)
    assert "must be today or in the past" in page


def test_closing_needs_an_outcome_and_reopening_clears_it(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    page = client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "", "closure_reason": "Done", "version": "1"}).get_data(as_text=True)
    assert "Choose the outcome" in page
    page = client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "banished", "closure_reason": "Done", "version": "1"}).get_data(as_text=True)
    assert "from the list" in page
    assert Referral.get_by_id(referral.id).status == "open"
    response = client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "community_order_mhtr", "closure_reason": "Sentenced", "version": "1"})
    assert response.status_code == 303
    stored = Referral.get_by_id(referral.id)
    assert (stored.status, stored.outcome, stored.closure_reason) == (
        "closed", "community_order_mhtr", "Sentenced")
    # Closing twice is refused by the model's rules, with its message.
    page = client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "nfa", "closure_reason": "again", "version": "2"}).get_data(as_text=True)
    assert "This referral is already closed." in page
    client.post_form(f"/referrals/{referral.id}/reopen", {"version": "2"})
    stored = Referral.get_by_id(referral.id)
    assert (stored.status, stored.outcome) == ("open", None)
    assert [e.detail.split()[0] for e in events("referral.status_changed")] == [
        "status=closed", "status=open"]


def test_a_stale_status_change_is_not_applied(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "nfa", "closure_reason": "x", "version": "1"})
    client.post_form(f"/referrals/{referral.id}/reopen", {"version": "2"})
    response = client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "custody", "closure_reason": "Remanded: <long reason typed at court>",
        "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this referral" in page
    assert Referral.get_by_id(referral.id).status == "open"
    # What was typed is given back, with the current version, so closing again works.
    assert "Remanded: &lt;long reason typed at court&gt;</textarea>" in page
    assert re.search(r'<input checked [^>]*value="custody"', page)
    version = re.search(r'name="version" value="(\d+)"', page.split('/close"')[1]).group(1)
    assert version == str(Referral.get_by_id(referral.id).version)
    client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "custody", "closure_reason": "Remanded", "version": version})
    assert Referral.get_by_id(referral.id).status == "closed"


def test_another_teams_referral_is_404(client_as, team_b):
    referral = make_referral(team=team_b)
    client = client_as("practitioner")
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    assert client.post_form(f"/referrals/{referral.id}/close", {
        "outcome": "nfa", "closure_reason": "x", "version": "1"}).status_code == 404
    assert Referral.get_by_id(referral.id).status == "open"


def test_a_team_it_is_shared_with_cannot_triage_close_or_reopen_it(client_as, app, team_a,
                                                                   team_b, users,
                                                                   other_team_user):
    """The holding team reports the outcome to its commissioners: a team the referral is
    shared with sees it, adds notes, hearings and follow-ups, and nothing more."""
    from models.people import ReferralShare
    referral = make_referral(team=team_a)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    probation = app.test_client().sign_in(other_team_user)
    page = probation.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Team A holds this referral" in page
    assert "Close referral" not in page and "Save triage" not in page
    version = str(Referral.get_by_id(referral.id).version)
    for path, data in [("close", {"outcome": "custody", "closure_reason": "x", "version": version}),
                       ("triage", {"triage_date": "2026-11-02", "triage_result": "accepted"}),
                       ("reopen", {"version": version})]:
        assert probation.post_form(f"/referrals/{referral.id}/{path}", data).status_code == 403
    stored = Referral.get_by_id(referral.id)
    assert (stored.status, stored.triage_result, stored.version) == ("open", None, 1)
    assert probation.post_form(f"/referrals/{referral.id}/hearings", {
        "court": "Highbury Corner", "date": "2026-12-01", "time": "10:00", "courtroom": "2",
        "purpose": "sentence"}).status_code == 303  # a hearing they attend, they add
    assert "Close referral" in client_as("practitioner").get(
        f"/referrals/{referral.id}").get_data(as_text=True)


def hearing_data(hearing, **changes):
    data = {"court": hearing.court, "date": hearing.date.isoformat(),
            "time": hearing.time.strftime("%H:%M") if hearing.time else "",
            "courtroom": hearing.courtroom, "purpose": hearing.purpose, "reason": "",
            "version": str(hearing.version)}
    data.update(changes)
    return data


def test_an_adjourned_hearing_is_moved_and_the_day_s_lists_follow(client_as, team_a, users):
    """Adjourned to next week for a report: the referral, today's hearings and the court
    list show the new date; the change and its reason are on the timeline and audited."""
    from models.follow_ups import hearings_today, london_today
    from models.timeline import TimelineEvent
    from tests.factories import make_hearing
    referral = make_referral(team=team_a)
    hearing = make_hearing(referral, date=london_today(), purpose="sentence")
    client = client_as("practitioner")
    assert f"/hearings/{hearing.id}/change" in client.get(
        f"/referrals/{referral.id}").get_data(as_text=True)
    form = client.get(f"/hearings/{hearing.id}/change").get_data(as_text=True)
    assert "Change a hearing" in form and "Highbury Corner" in form
    later = london_today() + dt.timedelta(days=7)
    response = client.post_form(f"/hearings/{hearing.id}/change", hearing_data(
        hearing, date=later.isoformat(), time="14:00", courtroom="4",
        reason="Adjourned for a pre-sentence report"))
    assert response.status_code == 303
    stored = Hearing.get_by_id(hearing.id)
    assert (stored.date, stored.time, stored.courtroom, stored.version) == (
        later, dt.time(14), "4", 2)
    assert hearings_today({team_a.id}) == []
    [event] = events("hearing.changed")
    assert event.detail == "fields: date, time, courtroom" and "report" not in event.detail
    [timeline] = TimelineEvent.select()
    assert "Hearing changed: now" in timeline.summary and "pre-sentence" in timeline.summary
    # Saving it unchanged, or without a reason, changes nothing.
    stored = Hearing.get_by_id(hearing.id)
    page = client.post_form(f"/hearings/{hearing.id}/change", hearing_data(
        stored, reason="no change")).get_data(as_text=True)
    assert "Nothing was changed" in page
    page = client.post_form(f"/hearings/{hearing.id}/change", hearing_data(
        stored, courtroom="5")).get_data(as_text=True)
    assert "Enter the reason for the change" in page
    assert Hearing.get_by_id(hearing.id).version == 2 and len(events("hearing.changed")) == 1


def test_a_stale_hearing_change_keeps_what_was_typed(client_as, team_a):
    from tests.factories import make_hearing
    hearing = make_hearing(make_referral(team=team_a))
    client = client_as("practitioner")
    first = hearing_data(hearing, courtroom="2", reason="Room change")
    assert client.post_form(f"/hearings/{hearing.id}/change", first).status_code == 303
    page = client.post_form(f"/hearings/{hearing.id}/change", hearing_data(
        hearing, courtroom="9", reason="<b>Moved</b> again")).get_data(as_text=True)
    assert "Someone else changed this hearing" in page
    assert 'value="9"' in page and "&lt;b&gt;Moved&lt;/b&gt; again" in page
    assert 'name="version" type="hidden" value="2"' in page
    assert Hearing.get_by_id(hearing.id).courtroom == "2"
    # Their change is shown beside what was typed, so saving again overwrites it knowingly.
    listed_now = page.split('id="listed-now"')[1].split("</div>")[0]
    assert "courtroom 2" in listed_now and "courtroom 9" not in listed_now


def test_a_vacated_hearing_stays_marked_and_leaves_the_lists(client_as, app, team_a, team_b,
                                                              users, other_team_user):
    from models.follow_ups import hearings_today, london_today
    from tests.factories import make_hearing
    referral = make_referral(team=team_a)
    hearing = make_hearing(referral, date=london_today())
    assert [h.id for h in hearings_today({team_a.id})] == [hearing.id]
    client = client_as("practitioner")
    page = client.post_form(f"/hearings/{hearing.id}/vacate", {
        "vacated_reason": "", "version": "1"}).get_data(as_text=True)
    assert "Enter why the hearing was vacated" in page
    assert client.post_form(f"/hearings/{hearing.id}/vacate", {
        "vacated_reason": "x" * 301, "version": "1"}).status_code == 200
    assert not Hearing.get_by_id(hearing.id).is_vacated
    response = client.post_form(f"/hearings/{hearing.id}/vacate", {
        "vacated_reason": "Case withdrawn by the CPS", "version": "1"})
    assert response.status_code == 303
    stored = Hearing.get_by_id(hearing.id)
    assert stored.is_vacated and stored.vacated_reason == "Case withdrawn by the CPS"
    assert hearings_today({team_a.id}) == []
    from blueprints.letters.catalogue import hearing_for
    assert hearing_for(referral) is None  # a letter is not written for it either
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    row = page.split(f'id="hearing-{hearing.id}"')[1].split("</tr>")[0]
    assert "Vacated" in row and "Case withdrawn by the CPS" in row
    assert f"/hearings/{hearing.id}/change" not in row
    assert len(events("hearing.vacated")) == 1
    # Once vacated it cannot be changed or vacated again.
    assert client.get(f"/hearings/{hearing.id}/change").status_code == 302
    client.post_form(f"/hearings/{hearing.id}/vacate", {"vacated_reason": "x", "version": "2"})
    assert len(events("hearing.vacated")) == 1
    # Another team's hearing is not found; a trainer may not.
    theirs = make_hearing(make_referral(team=team_b))
    assert client.get(f"/hearings/{theirs.id}/change").status_code == 404
    assert client_as("trainer").get(f"/hearings/{hearing.id}/change").status_code == 403
