"""Follow-ups on referrals, the dashboard's queries (my overdue and due-this-week
follow-ups, today's hearings), and sharing or transferring a referral to another team."""
import datetime as dt

from models.audit import AuditEvent
from models.follow_ups import FollowUp, end_of_week, follow_ups_for, hearings_today
from models.people import Referral, ReferralShare
from models.timeline import TimelineEvent
from tests.factories import make_hearing, make_person, make_referral

MONDAY = dt.date(2026, 11, 23)


def follow_up(referral, user, due, what="Call GP", done=False):
    return FollowUp.create(referral=referral, person=referral.person_id, team=referral.team_id,
                           due_date=due, what=what, assigned_to=user, created_by=user,
                           done_at=dt.datetime(2026, 11, 1) if done else None)


def test_the_referral_page_gives_each_field_its_own_id(client_as, team_a, users):
    """The assign form and the follow-up form both have an "assigned_to": the follow-up's
    label and error link went to the assign form's list."""
    import collections
    import re
    referral = make_referral(team=team_a, assigned_to=users["practitioner"])
    client = client_as("practitioner")
    refused = client.post_form(f"/referrals/{referral.id}/follow-ups", {
        "what": "Call GP", "due_date": "2026-12-08", "assigned_to": "999999"})
    for page in (client.get(f"/referrals/{referral.id}").get_data(as_text=True),
                 refused.get_data(as_text=True)):
        ids = collections.Counter(re.findall(r'\sid="([^"]+)"', page))
        assert [i for i, n in ids.items() if n > 1] == []
    assert 'href="#follow-up-assigned-to"' in refused.get_data(as_text=True)


def test_every_page_showing_a_referral_is_a_logged_view(client_as, team_a, users):
    """The forms that show a referral and whose it is (changing a hearing or a follow-up,
    a first needs assessment, sharing), and the whole page shown again with a refused
    form when JavaScript is off, are logged as views as the referral page is."""
    referral = make_referral(team=team_a, assigned_to=users["practitioner"])
    hearing = make_hearing(referral)
    item = follow_up(referral, users["practitioner"], dt.date(2026, 12, 8))
    client = client_as("manager")

    def views():
        return [(e.action, e.detail) for e in AuditEvent.select().where(
            AuditEvent.action.in_(["referral.viewed", "person.viewed"])).order_by(AuditEvent.id)]

    for url in (f"/hearings/{hearing.id}/change", f"/follow-ups/{item.id}/change",
                f"/referrals/{referral.id}/needs", f"/referrals/{referral.id}/share"):
        assert client.get(url).status_code == 200, url
    client.post_form(f"/referrals/{referral.id}/hearings", {"court": ""})
    client.post_form(f"/people/{referral.person_id}/notes",
                     {"referral": referral.id, "note_type": "contact", "body": ""})
    assert views() == [("referral.viewed", "hearing change form"),
                       ("referral.viewed", "follow-up change form"),
                       ("referral.viewed", "needs form"), ("referral.viewed", "share form"),
                       ("referral.viewed", "with a form refused"),
                       ("person.viewed", "with a note refused")]


def test_adding_and_completing_a_follow_up(client_as, team_a, users):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    response = client.post_form(f"/referrals/{referral.id}/follow-ups", {
        "what": "Check housing application", "due_date": "2026-12-01",
        "assigned_to": users["manager"].id})
    assert response.status_code == 303
    item = FollowUp.get()
    assert (item.what, item.assigned_to_id, item.created_by_id, item.due_date) == (
        "Check housing application", users["manager"].id, users["practitioner"].id,
        dt.date(2026, 12, 1))
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Check housing application" in page and "Mark done" in page
    client.post_form(f"/follow-ups/{item.id}/done")
    assert FollowUp.get_by_id(item.id).done_by_id == users["practitioner"].id
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert "follow_up.created" in actions and "follow_up.done" in actions


def test_bad_follow_ups_are_refused(client_as, team_a, other_team_user):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    for data, message in [
        ({"what": "", "due_date": "2026-12-01"}, "Enter what needs doing"),
        ({"what": "x" * 301, "due_date": "2026-12-01"}, "300 characters or fewer"),
        ({"what": "Call", "due_date": "tomorrow"}, "as a real date"),
        ({"what": "Call", "due_date": "2026-12-01", "assigned_to": other_team_user.id},
         "Choose assigned to from the list"),
    ]:
        page = client.post_form(f"/referrals/{referral.id}/follow-ups", data).get_data(as_text=True)
        assert message in page, data
    assert FollowUp.select().count() == 0


def test_follow_ups_for_lists_my_overdue_and_this_weeks(app, team_a, team_b, users):
    me = users["practitioner"]
    referral = make_referral(team=team_a)
    overdue = follow_up(referral, me, MONDAY - dt.timedelta(days=3), "Overdue one")
    today = follow_up(referral, me, MONDAY, "Due today")
    sunday = follow_up(referral, me, end_of_week(MONDAY), "Due Sunday")
    follow_up(referral, me, MONDAY + dt.timedelta(days=7), "Next week")
    follow_up(referral, me, MONDAY - dt.timedelta(days=1), "Done already", done=True)
    follow_up(referral, users["manager"], MONDAY, "Someone else's")
    # A follow-up on a referral since transferred away is no longer mine to see.
    gone = make_referral(team=team_b)
    follow_up(gone, me, MONDAY, "Transferred away")
    result = follow_ups_for(me, today=MONDAY)
    assert [f.id for f in result["overdue"]] == [overdue.id]
    assert [f.id for f in result["this_week"]] == [today.id, sunday.id]
    assert result["this_week"][0].person.id == referral.person_id


def test_hearings_today_for_my_teams_only(app, team_a, team_b):
    mine = make_referral(team=team_a)
    later = make_hearing(mine, date=MONDAY, time=dt.time(14, 0))
    early = make_hearing(mine, date=MONDAY, time=dt.time(9, 30))
    make_hearing(mine, date=MONDAY + dt.timedelta(days=1))
    make_hearing(make_referral(team=team_b), date=MONDAY)
    hearings = hearings_today({team_a.id}, today=MONDAY)
    assert [h.id for h in hearings] == [early.id, later.id]
    assert hearings[0].referral.person.id == mine.person_id
    assert hearings_today(set(), today=MONDAY) == []


def test_sharing_lets_the_other_team_see_the_person_and_is_audited_on_both_sides(
        client_as, app, team_a, team_b, other_team_user):
    person = make_person(given_name="Kemi", family_name="Adebayo")
    referral = make_referral(person, team_a)
    other = app.test_client().sign_in(other_team_user)
    assert other.get(f"/people/{person.id}").status_code == 404
    client = client_as("practitioner")
    assert "Share or transfer" in client.get(f"/referrals/{referral.id}/share").get_data(as_text=True)
    response = client.post_form(f"/referrals/{referral.id}/share", {
        "kind": "share", "team": team_b.id, "reason": "Probation supervision starts"})
    assert response.status_code == 303
    assert other.get(f"/people/{person.id}").status_code == 200
    assert Referral.get_by_id(referral.id).team_id == team_a.id
    audited = {(e.action, e.team_id) for e in AuditEvent.select()}
    assert {("referral.shared_out", team_a.id), ("referral.shared_in", team_b.id)} <= audited
    assert "shared from" in TimelineEvent.get().summary
    # The receiving team may not pass it on further.
    assert other.get(f"/referrals/{referral.id}/share").status_code == 403


def test_transfer_moves_the_referral_to_the_receiving_team(client_as, app, team_a, team_b,
                                                           other_team_user, users):
    referral = make_referral(team=team_a, assigned_to=users["practitioner"])
    client = client_as("practitioner")
    response = client.post_form(f"/referrals/{referral.id}/share", {
        "kind": "transfer", "team": team_b.id, "reason": "Sentenced: community order"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/people")
    stored = Referral.get_by_id(referral.id)
    assert (stored.team_id, stored.assigned_to_id) == (team_b.id, None)
    share = ReferralShare.get()
    assert (share.kind, share.from_team_id, share.team_id) == ("transfer", team_a.id, team_b.id)
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    other = app.test_client().sign_in(other_team_user)
    assert other.get(f"/referrals/{referral.id}").status_code == 200
    audited = {(e.action, e.team_id) for e in AuditEvent.select()}
    assert {("referral.transferred_out", team_a.id),
            ("referral.transferred_in", team_b.id)} <= audited


def test_a_team_that_transfers_a_referral_on_no_longer_sees_it(client_as, app, team_a, team_b,
                                                                 other_team_user, users):
    """Court to probation and back: probation, which was given the referral by transfer,
    loses it when it transfers it back, on every page (a transfer row grants nothing)."""
    from tests.factories import make_note
    person = make_person(given_name="Ayo", family_name="Bello")
    referral = make_referral(person, team=team_a)
    court = client_as("practitioner")
    probation = app.test_client().sign_in(other_team_user)
    court.post_form(f"/referrals/{referral.id}/share",
                    {"kind": "transfer", "team": team_b.id, "reason": "Community order"})
    assert probation.get(f"/people/{person.id}").status_code == 200
    probation.post_form(f"/referrals/{referral.id}/share", {
        "kind": "transfer", "team": team_a.id, "reason": "Breach: back to court"})
    assert Referral.get_by_id(referral.id).team_id == team_a.id
    make_note(referral, users["practitioner"], "Hostel place offered after the breach")
    for path in (f"/people/{person.id}", f"/referrals/{referral.id}",
                 f"/referrals/{referral.id}/share"):
        assert probation.get(path).status_code == 404, path
    for path in ("/people", "/people/notes?q=hostel"):
        assert "Ayo Bello" not in probation.get(path).get_data(as_text=True), path
    assert "Ayo Bello" in court.get("/people/notes?q=hostel").get_data(as_text=True)
    assert court.get(f"/referrals/{referral.id}").status_code == 200
    # Both transfers stay in the referral's history.
    assert [s.kind for s in ReferralShare.select().order_by(ReferralShare.id)] == [
        "transfer", "transfer"]


def test_share_form_refuses_bad_input(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    page = client.post_form(f"/referrals/{referral.id}/share", {
        "kind": "steal", "team": team_a.id, "reason": ""}).get_data(as_text=True)
    assert "Choose share or transfer from the list" in page
    assert "Choose receiving team from the list" in page and "Enter the reason" in page
    assert ReferralShare.select().count() == 0


def test_the_receiving_team_assigns_a_transferred_referral(client_as, app, team_a, team_b,
                                                            other_team_user, users):
    """A transfer leaves the referral unassigned; the new team chooses who works it."""
    referral = make_referral(team=team_a, assigned_to=users["practitioner"])
    client_as("practitioner").post_form(f"/referrals/{referral.id}/share", {
        "kind": "transfer", "team": team_b.id, "reason": "Community order"})
    probation = app.test_client().sign_in(other_team_user)
    page = probation.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Not assigned" in page and "Save assignment" in page
    response = probation.post_form(f"/referrals/{referral.id}/assign", {
        "assigned_to": other_team_user.id, "version": Referral.get_by_id(referral.id).version})
    assert response.status_code == 303
    stored = Referral.get_by_id(referral.id)
    assert stored.assigned_to_id == other_team_user.id
    assert "Practitioner B" in probation.get(f"/referrals/{referral.id}").get_data(as_text=True)
    [event] = AuditEvent.select().where(AuditEvent.action == "referral.assigned")
    assert (event.team_id, event.detail) == (team_b.id, f"assigned_to={other_team_user.id}")
    # and back to nobody
    probation.post_form(f"/referrals/{referral.id}/assign",
                        {"assigned_to": 0, "version": stored.version})
    assert Referral.get_by_id(referral.id).assigned_to_id is None


def test_assignment_refuses_bad_input_and_stale_pages(client_as, app, team_a, team_b, users,
                                                      other_team_user):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    url = f"/referrals/{referral.id}/assign"
    version = Referral.get_by_id(referral.id).version
    for data, message in [
        ({"assigned_to": other_team_user.id, "version": version}, "from the list"),
        ({"assigned_to": "'; DROP TABLE referral; --", "version": version}, "from the list"),
        ({"assigned_to": "<script>", "version": version}, "from the list"),
        ({"version": version}, "Choose who works this referral"),
        ({"assigned_to": users["manager"].id, "version": version + 7},
         "Someone else changed this referral"),
    ]:
        response = client.post_form(url, data)
        assert response.status_code == 200, data
        assert message in response.get_data(as_text=True), data
        assert "<script>" not in response.get_data(as_text=True)
    assert Referral.get_by_id(referral.id).assigned_to_id is None
    assert not AuditEvent.select().where(AuditEvent.action == "referral.assigned").exists()
    # A team it was shared with sees it but does not assign it.
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    other = app.test_client().sign_in(other_team_user)
    assert other.post_form(url, {"assigned_to": 0, "version": version}).status_code == 403


def test_follow_ups_left_with_the_sending_team_go_to_whoever_is_assigned(
        client_as, app, team_a, team_b, users, other_team_user):
    """After a transfer nobody in the receiving team has the referral's open follow-ups, so
    no home page lists them: the referral page says so, and assigning the referral passes
    them on (a done one, or one its assignee can still work, stays as it is)."""
    from tests.factories import make_user
    referral = make_referral(team=team_a, assigned_to=users["practitioner"])
    court_only = follow_up(referral, users["practitioner"], MONDAY, what="Chase the GP letter")
    done = follow_up(referral, users["practitioner"], MONDAY, what="Book interpreter", done=True)
    both_teams = make_user("practitioner", [team_a, team_b], name="Both Teams")
    kept = follow_up(referral, both_teams, MONDAY, what="Hostel visit")
    client_as("practitioner").post_form(f"/referrals/{referral.id}/share", {
        "kind": "transfer", "team": team_b.id, "reason": "Community order"})
    probation = app.test_client().sign_in(other_team_user)
    assert follow_ups_for(other_team_user, today=MONDAY)["overdue_total"] == 0
    assert follow_ups_for(users["practitioner"], today=MONDAY)["overdue_total"] == 0
    page = probation.get(f"/referrals/{referral.id}").get_data(as_text=True)
    left = page.split('id="follow-ups-left-behind"')[1].split("</div>")[0]
    assert "1 open follow-up is with someone no longer on this referral" in left
    assert page.count("(no longer on this referral's teams)") == 1
    response = probation.post_form(f"/referrals/{referral.id}/assign", {
        "assigned_to": other_team_user.id, "version": Referral.get_by_id(referral.id).version})
    assert response.status_code == 303
    assert "1 open follow-up that nobody in the team had now goes to them" in probation.get(
        response.headers["Location"]).get_data(as_text=True)
    assert FollowUp.get_by_id(court_only.id).assigned_to_id == other_team_user.id
    assert FollowUp.get_by_id(court_only.id).version == 2  # a change form opened before is stale
    assert FollowUp.get_by_id(done.id).assigned_to_id == users["practitioner"].id
    assert FollowUp.get_by_id(kept.id).assigned_to_id == both_teams.id
    mine = follow_ups_for(other_team_user, today=MONDAY + dt.timedelta(days=1))
    assert [f.what for f in mine["overdue"]] == ["Chase the GP letter"]
    [event] = AuditEvent.select().where(AuditEvent.action == "follow_up.reassigned")
    assert (event.object_id, event.team_id) == (str(court_only.id), team_b.id)
    assert "follow-ups-left-behind" not in probation.get(
        f"/referrals/{referral.id}").get_data(as_text=True)


def test_a_referral_shared_with_a_team_can_be_transferred_to_it(client_as, app, team_a, team_b,
                                                                  users, other_team_user):
    """Court shares with probation, then transfers to it. Probation's share ends with the
    transfer: when probation later transfers the referral back, it no longer sees it."""
    person = make_person(given_name="Ayo", family_name="Bello")
    referral = make_referral(person, team=team_a)
    court = client_as("practitioner")
    court.post_form(f"/referrals/{referral.id}/share",
                    {"kind": "share", "team": team_b.id, "reason": "Pre-sentence report"})
    form = court.get(f"/referrals/{referral.id}/share").get_data(as_text=True)
    assert "Team B (shared with them now)" in form
    page = court.post_form(f"/referrals/{referral.id}/share", {
        "kind": "share", "team": team_b.id, "reason": "Again"}).get_data(as_text=True)
    assert "already shared with that team" in page
    assert ReferralShare.select().count() == 1
    response = court.post_form(f"/referrals/{referral.id}/share", {
        "kind": "transfer", "team": team_b.id, "reason": "Community order"})
    assert response.status_code == 303
    assert Referral.get_by_id(referral.id).team_id == team_b.id
    assert [s.kind for s in ReferralShare.select().order_by(ReferralShare.id)] == [
        "ended", "transfer"]
    probation = app.test_client().sign_in(other_team_user)
    history = probation.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Shared with Team B until it was transferred to them" in history
    assert "Transferred from Team A to Team B" in history
    assert court.get(f"/referrals/{referral.id}").status_code == 404
    probation.post_form(f"/referrals/{referral.id}/share",
                        {"kind": "transfer", "team": team_a.id, "reason": "Breach"})
    assert probation.get(f"/people/{person.id}").status_code == 404
    assert court.get(f"/referrals/{referral.id}").status_code == 200


def test_a_follow_up_is_rescheduled_and_reassigned(client_as, team_a, users):
    referral = make_referral(team=team_a)
    task = follow_up(referral, users["practitioner"], MONDAY, what="Call GP")
    client = client_as("practitioner")
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/follow-ups/{task.id}/change" in page
    form = client.get(f"/follow-ups/{task.id}/change").get_data(as_text=True)
    assert 'value="Call GP"' in form and "Change a follow-up" in form
    response = client.post_form(f"/follow-ups/{task.id}/change", {
        "what": "Call GP surgery again", "due_date": "07/12/2026",
        "assigned_to": users["manager"].id, "version": "1"})
    assert response.status_code == 303
    stored = FollowUp.get_by_id(task.id)
    assert (stored.what, stored.due_date, stored.assigned_to_id, stored.version) == (
        "Call GP surgery again", dt.date(2026, 12, 7), users["manager"].id, 2)
    [event] = AuditEvent.select().where(AuditEvent.action == "follow_up.changed")
    assert event.detail == "fields: what, due_date, assigned_to" and "GP" not in event.detail
    assert [f.what for f in follow_ups_for(users["manager"], today=dt.date(2026, 12, 7))[
        "this_week"]] == ["Call GP surgery again"]
    # A stale page, someone outside the teams, a bad date: refused, nothing changed.
    for data, message in [
        ({"what": "x", "due_date": "2026-12-08", "assigned_to": users["manager"].id,
          "version": "1"}, "Someone else changed this follow-up"),
        ({"what": "x", "due_date": "2026-12-08", "assigned_to": 999999, "version": "2"},
         "from the list"),
        ({"what": "<script>x</script>", "due_date": "31/02/2026",
          "assigned_to": users["manager"].id, "version": "2"}, "as a real date"),
        ({"what": "", "due_date": "2026-12-08", "assigned_to": users["manager"].id,
          "version": "2"}, "Enter what needs doing"),
    ]:
        page = client.post_form(f"/follow-ups/{task.id}/change", data).get_data(as_text=True)
        assert message in page and "<script>x" not in page, data
        now = page.split('id="follow-up-now"')[1].split("</div>")[0]
        assert "Call GP surgery again, due 7 December 2026" in now, now  # as it is now
    assert FollowUp.get_by_id(task.id).version == 2
    # Once done, it is not changed any more.
    FollowUp.update(done_at=dt.datetime(2026, 12, 1)).where(FollowUp.id == task.id).execute()
    assert client.get(f"/follow-ups/{task.id}/change").status_code == 302
