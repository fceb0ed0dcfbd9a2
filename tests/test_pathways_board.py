"""The housing board: every transition inline (htmx) and by plain form posts, the invalid
ones, stale edits, the one-person-per-unit constraint, polling and the figures."""
import datetime as dt

import pytest
from peewee import IntegrityError

from models.audit import AuditEvent
from models.base import writing
from models.housing import HousingEvent, Placement, Unit, WaitingEntry
from tests.factories import make_user
from tests.pathways_factories import make_property, make_waiting, make_woman_referral


@pytest.fixture
def board(team_a):
    prop, units = make_property(team_a, units=("Flat 1", "Flat 2", "Flat 3"))
    return {"units": units, "first": make_waiting(team_a, priority=1),
            "second": make_waiting(team_a, priority=3)}


def unit_now(unit):
    return Unit.get_by_id(unit.id)


def offer(client, unit, entry, htmx=True, unit_version=None, entry_version=None):
    unit, entry = unit_now(unit), WaitingEntry.get_by_id(entry.id)
    return client.post_form(f"/housing/units/{unit.id}/offer", {
        "entry": f"{entry.id}:{entry_version or entry.version}",
        "unit_version": str(unit_version or unit.version)}, htmx=htmx)


def post(client, unit, action, data=None, htmx=True, version=None):
    data = dict(data or {})
    data.setdefault("unit_version", str(version or unit_now(unit).version))
    return client.post_form(f"/housing/units/{unit.id}/{action}", data, htmx=htmx)


def test_full_journey_waiting_offer_occupied_moved_on_inline(client_as, board, users):
    client = client_as("coordinator")
    unit, entry = board["units"][0], board["first"]
    page = client.get("/housing/").get_data(as_text=True)
    assert entry.person.full_name in page and "Needs a ground-floor flat" in page
    assert "Urgent" in page and f"Referral {entry.referral_id}" in page

    response = offer(client, unit, entry)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<div id="board"' in body and "<html" not in body  # a fragment, no reload
    assert "Flat 1 offered to" in body
    assert unit_now(unit).status == "offered"
    assert WaitingEntry.get_by_id(entry.id).status == "offered"

    response = post(client, unit, "move-in", {"moved_in_on": "2026-01-10",
                                              "expected_move_on": "2026-07-10"})
    assert "moved into Flat 1" in response.get_data(as_text=True)
    placement = Placement.get()
    assert unit_now(unit).status == "occupied"
    assert placement.moved_in_on == dt.date(2026, 1, 10)
    assert WaitingEntry.get_by_id(entry.id).status == "placed"
    page = client.get("/housing/").get_data(as_text=True)
    assert "Moved in 10 Jan 2026" in page and "Expected move on 10 Jul 2026" in page

    response = post(client, unit, "move-on", {"moved_out_on": "2026-06-30",
                                              "destination": "independent_tenancy"})
    assert "moved on from Flat 1" in response.get_data(as_text=True)
    placement = Placement.get_by_id(placement.id)
    assert placement.ended_at is not None and placement.destination == "independent_tenancy"
    assert unit_now(unit).status == "vacant"

    actions = [e.action for e in HousingEvent.select().where(HousingEvent.unit == unit.id)
               .order_by(HousingEvent.id)]
    assert actions == ["offered", "moved_in", "moved_on"]
    audited = {a.action for a in AuditEvent.select() if a.action.startswith("housing.")}
    assert {"housing.offered", "housing.moved_in", "housing.moved_on"} <= audited
    assert all(a.actor_id == users["coordinator"].id for a in AuditEvent.select().where(
        AuditEvent.action == "housing.offered"))
    history = client.get(f"/housing/units/{unit.id}").get_data(as_text=True)
    assert "Moved on: independent tenancy" in history
    import json
    export = json.loads(client_as("manager").get(f"/people/{entry.person_id}/export.json").data)
    housing = export["other_records"]["Housing"]
    assert housing[1]["placement"]["moved_on_to"] == "Independent tenancy"


def test_transitions_work_without_javascript(client_as, board):
    client = client_as("coordinator")
    unit, entry = board["units"][0], board["first"]
    response = offer(client, unit, entry, htmx=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/housing/")
    from tests.route_walker import session_cookie
    waiting = str(session_cookie(client.application, client))
    assert "_flashes" in waiting and entry.person.family_name not in waiting
    page = client.get("/housing/").get_data(as_text=True)
    assert "Flat 1: change saved." in page and entry.person.full_name in page
    response = post(client, unit, "end-offer", {"reason": "declined"}, htmx=False)
    assert response.status_code == 302
    assert unit_now(unit).status == "vacant"
    assert WaitingEntry.get_by_id(entry.id).status == "waiting"  # back on the list
    assert Placement.get().end_reason == "declined"


def test_void_and_back_in_use(client_as, board):
    client = client_as("manager")
    unit = board["units"][1]
    post(client, unit, "void", {"reason": "void"})
    assert unit_now(unit).status == "void"
    response = offer(client, unit, board["first"])
    assert "only a vacant unit can be offered" in response.get_data(as_text=True)
    post(client, unit, "void", {"reason": "back"})
    assert unit_now(unit).status == "vacant"


@pytest.mark.parametrize("action,data,message", [
    ("move-in", {"moved_in_on": "2026-01-10"}, "only an offered unit can be moved into"),
    ("move-on", {"moved_out_on": "2026-01-10", "destination": "family"},
     "only an occupied unit can be moved on from"),
    ("end-offer", {"reason": "declined"}, "there is no offer to end"),
    ("void", {"reason": "back"}, "it is not void"),
])
def test_invalid_transitions_from_vacant_are_refused(client_as, board, action, data, message):
    client = client_as("coordinator")
    unit = board["units"][0]
    version = unit_now(unit).version
    response = post(client, unit, action, data, htmx=False)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert unit_now(unit).status == "vacant" and unit_now(unit).version == version
    assert Placement.select().count() == 0


def test_invalid_transitions_from_occupied_are_refused(client_as, board):
    client = client_as("coordinator")
    unit = board["units"][0]
    offer(client, unit, board["first"])
    post(client, unit, "move-in", {"moved_in_on": "2026-01-10"})
    for action, data, message in [
        ("offer", None, "only a vacant unit can be offered"),
        ("move-in", {"moved_in_on": "2026-01-11"}, "only an offered unit can be moved into"),
        ("void", {"reason": "void"}, "only a vacant unit can be made void"),
        ("move-on", {"moved_out_on": "2025-12-01", "destination": "family"},
         "cannot be before she moved in"),
        ("move-on", {"moved_out_on": "2026-02-01", "destination": "the moon"},
         "Not a valid choice"),
        ("move-on", {"moved_out_on": "someday", "destination": "family"}, "Enter a real date"),
    ]:
        if action == "offer":
            response = offer(client, unit, board["second"])
        else:
            response = post(client, unit, action, data)
        assert message in response.get_data(as_text=True), action
    assert unit_now(unit).status == "occupied"
    assert Placement.select().where(Placement.ended_at.is_null()).count() == 1


def test_offered_woman_cannot_be_offered_a_second_unit(client_as, board):
    client = client_as("coordinator")
    offer(client, board["units"][0], board["first"])
    response = offer(client, board["units"][1], board["first"])
    assert "She is not waiting any more" in response.get_data(as_text=True)
    assert unit_now(board["units"][1]).status == "vacant"


def test_stale_unit_version_is_refused_with_who_and_when(client_as, board, users):
    coordinator = client_as("coordinator")
    manager = client_as("manager")
    unit = board["units"][0]
    seen = unit_now(unit).version
    post(manager, unit, "void", {"reason": "void"})
    response = post(coordinator, unit, "void", {"reason": "void"}, version=seen)
    body = response.get_data(as_text=True)
    assert response.status_code == 200  # htmx swaps it in
    assert f"was changed by {users['manager'].name} at" in body
    assert "here is the current state" in body
    assert unit_now(unit).status == "void" and unit_now(unit).version == seen + 1
    response = post(coordinator, unit, "void", {"reason": "back"}, version=seen, htmx=False)
    assert response.status_code == 409


def test_stale_waiting_entry_is_refused(client_as, board):
    client = client_as("coordinator")
    entry = board["first"]
    response = offer(client, board["units"][0], entry, entry_version=entry.version + 5)
    assert "Her waiting-list entry was changed by" in response.get_data(as_text=True)
    assert Placement.select().count() == 0 and unit_now(board["units"][0]).status == "vacant"


def test_database_refuses_two_open_placements_of_one_unit(board):
    unit = board["units"][0]
    first, second = board["first"], board["second"]
    Placement.create(unit=unit, person=first.person_id, waiting_entry=first)
    with pytest.raises(IntegrityError):
        with writing():
            Placement.create(unit=unit, person=second.person_id, waiting_entry=second)
    # Once the first has ended, the unit can be offered again.
    Placement.update(ended_at=dt.datetime(2026, 1, 1)).execute()
    Placement.create(unit=unit, person=second.person_id, waiting_entry=second)
    assert Placement.select().where(Placement.ended_at.is_null()).count() == 1


def test_database_refuses_one_woman_in_two_units(board):
    entry = board["first"]
    Placement.create(unit=board["units"][0], person=entry.person_id)
    with pytest.raises(IntegrityError):
        with writing():
            Placement.create(unit=board["units"][1], person=entry.person_id)


def test_polling_answers_204_when_nothing_changed_and_is_not_activity(client_as, board):
    client = client_as("coordinator")
    stamp = HousingEvent.latest_id(None)
    response = client.hx_get(f"/housing/?since={stamp}",
                             headers={"X-Background-Refresh": "true"})
    assert response.status_code == 204
    offer(client_as("manager"), board["units"][0], board["first"])
    response = client.hx_get(f"/housing/?since={stamp}", headers={"X-Background-Refresh": "true"})
    assert response.status_code == 200 and "Offered" in response.get_data(as_text=True)
    page = client.get("/housing/").get_data(as_text=True)
    assert 'hx-trigger="every 30s, focus from:window"' in page
    assert "X-Background-Refresh" in page


def test_polling_does_not_keep_an_idle_session_alive(app, client_as, board):
    import time
    client = client_as("coordinator")
    with client.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - 120
        before = sess["seen_at"]
    client.hx_get("/housing/?since=0", headers={"X-Background-Refresh": "true"})
    with client.session_transaction() as sess:
        assert sess["seen_at"] == before


def test_waiting_list_add_and_withdraw(client_as, team_a, team_b, board):
    client = client_as("coordinator")
    referral = make_woman_referral(team_a, family_name="Mensah")
    response = client.post_form("/housing/waiting", {
        "referral": str(referral.id), "priority": "2", "needs_summary": "Two children"},
        htmx=True)
    assert "Mensah is on the waiting list" in response.get_data(as_text=True)
    response = client.post_form("/housing/waiting", {
        "referral": str(referral.id), "priority": "2", "needs_summary": "Again"})
    assert "already on this team&#39;s waiting list" in response.get_data(as_text=True)
    for data, message in [
        ({"referral": "abc", "priority": "2", "needs_summary": "x"}, "Enter a referral number"),
        ({"referral": str(referral.id), "priority": "9", "needs_summary": "x"}, "Not a valid choice"),
        ({"referral": str(referral.id), "priority": "2", "needs_summary": "x" * 301},
         "300 characters or fewer"),
        ({"referral": str(referral.id), "priority": "2", "needs_summary": ""},
         "Summarise her housing needs"),
    ]:
        assert message in client.post_form("/housing/waiting", data).get_data(as_text=True)
    other = make_woman_referral(team_b)
    response = client.post_form("/housing/waiting", {
        "referral": str(other.id), "priority": "2", "needs_summary": "x"})
    assert response.status_code == 404
    entry = WaitingEntry.get(WaitingEntry.referral == referral.id)
    response = client.post_form(f"/housing/waiting/{entry.id}/withdraw",
                                {"entry_version": str(entry.version)}, htmx=True)
    assert "no longer on the waiting list" in response.get_data(as_text=True)
    assert WaitingEntry.get_by_id(entry.id).status == "withdrawn"


def test_other_team_and_wrong_roles(app, client_as, board, team_b):
    unit = board["units"][0]
    outsider = make_user("coordinator", [team_b])
    other = app.test_client().sign_in(outsider)
    page = other.get("/housing/").get_data(as_text=True)
    assert "Flat 1" not in page and board["first"].person.full_name not in page
    assert other.get(f"/housing/units/{unit.id}").status_code == 404
    assert offer(other, unit, board["first"], htmx=False).status_code == 404
    assert unit_now(unit).status == "vacant"
    assert client_as("practitioner").get("/housing/").status_code == 403
    assert client_as("trainer").get("/housing/figures").status_code == 403


def test_figures_in_sql(client_as, board, team_a):
    from blueprints.pathways import figures
    u1, u2, u3 = board["units"]
    e1, e2 = board["first"], board["second"]
    WaitingEntry.update(added_at=dt.datetime(2026, 1, 1)).execute()
    Placement.create(unit=u1, person=e1.person_id, waiting_entry=e1,
                     offered_at=dt.datetime(2026, 1, 11), moved_in_on=dt.date(2026, 1, 1),
                     moved_out_on=dt.date(2026, 1, 11), ended_at=dt.datetime(2026, 1, 11),
                     end_reason="moved_on", destination="family")
    Placement.create(unit=u2, person=e2.person_id, waiting_entry=e2,
                     offered_at=dt.datetime(2026, 1, 21), moved_in_on=dt.date(2026, 1, 6))
    start, end = dt.date(2026, 1, 1), dt.date(2026, 1, 10)
    # 3 units x 10 nights = 30; u1 occupied 10 nights, u2 5 nights (6th-10th).
    assert figures.occupancy_rate({team_a.id}, start, end) == pytest.approx(15 / 30)
    assert figures.average_stay_days({team_a.id}, start, dt.date(2026, 1, 31)) == pytest.approx(10)
    assert figures.destinations({team_a.id}, start, dt.date(2026, 1, 31)) == [("Family", 1)]
    assert figures.average_wait_days({team_a.id}, start, dt.date(2026, 1, 31)) == \
        pytest.approx(15)
    assert figures.occupancy_rate({999}, start, end) is None
    Unit.update(status="occupied").where(Unit.id == u2.id).execute()
    assert figures.board_summary({team_a.id}) == {
        "vacancies": 2, "offers_pending": 0, "occupied": 1, "void": 0, "waiting": 2}
    page = client_as("coordinator").get("/housing/figures?start=2026-01-01&end=2026-01-31")
    assert "Family" in page.get_data(as_text=True)


def test_coordinator_adds_a_property_with_units(client_as, team_a):
    client = client_as("coordinator")
    response = client.post_form("/housing/properties/new", {
        "name": "Well Street", "provider": "Hackney Housing Charity", "team": str(team_a.id),
        "units": "Room 1\nRoom 2\n\nRoom 2"})
    assert response.status_code == 302
    assert [u.label for u in Unit.select().order_by(Unit.label)] == ["Room 1", "Room 2"]
    response = client.post_form("/housing/properties/new", {
        "name": "", "provider": "x", "team": str(team_a.id), "units": ""})
    body = response.get_data(as_text=True)
    assert "Enter the property&#39;s name" in body and "List the units" in body


def test_offer_form_refuses_bad_input(client_as, board):
    client = client_as("coordinator")
    unit = board["units"][0]
    for bad in ("abc", "<script>alert(1)</script>", "../../etc/passwd", "1:1' OR '1'='1", ""):
        response = client.post_form(f"/housing/units/{unit.id}/offer", {
            "entry": bad, "unit_version": "1"}, htmx=True)
        body = response.get_data(as_text=True)
        assert "Choose who to offer the unit to" in body, bad
        assert "<script>alert(1)</script>" not in body
    response = client.post_form(f"/housing/units/{unit.id}/offer", {
        "entry": "999999:1", "unit_version": "1"})
    assert response.status_code == 404
    assert Placement.select().count() == 0 and unit_now(unit).version == 1


def test_referral_page_offers_pathway_and_waiting_list_actions(client_as, team_a):
    referral = make_woman_referral(team_a, family_name="Quartey")
    page = client_as("coordinator").get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/pathways/enrol/{referral.id}" in page
    assert f"/housing/waiting/from/{referral.id}" in page
    page = client_as("practitioner").get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/pathways/enrol/{referral.id}" in page
    assert f"/housing/waiting/from/{referral.id}" not in page
    client = client_as("coordinator")
    response = client.post_form(f"/housing/waiting/from/{referral.id}", {
        "referral": str(referral.id), "priority": "1", "needs_summary": "Fleeing violence"})
    assert response.status_code == 302
    entry = WaitingEntry.get(WaitingEntry.referral == referral.id)
    assert entry.priority == 1 and entry.needs_summary == "Fleeing violence"
    board_page = client.get("/housing/").get_data(as_text=True)
    assert f'href="/referrals/{referral.id}"' in board_page


def autofocused(body: str) -> list[str]:
    """The ids of the elements marked to take keyboard focus."""
    import re
    return re.findall(r'id="([^"]+)" tabindex="-1" autofocus', body)


def test_after_each_inline_change_focus_goes_to_the_unit_or_the_message(client_as, board,
                                                                        team_a):
    client = client_as("coordinator")
    unit, entry = board["units"][0], board["first"]
    heading = f"unit-{unit.id}-heading"
    # A refresh moves no one's focus and announces nothing.
    body = client.hx_get("/housing/").get_data(as_text=True)
    assert autofocused(body) == [] and "hx-swap-oob" not in body
    stale = unit_now(unit).version
    body = offer(client, unit, entry).get_data(as_text=True)
    assert autofocused(body) == [heading]
    assert ('<div hx-swap-oob="innerHTML:#app-status">Flat 1 offered to '
            f'{entry.person.full_name}.</div>') in body
    for action, data in [("move-in", {"moved_in_on": "2026-01-10"}),
                         ("move-on", {"moved_out_on": "2026-06-30",
                                      "destination": "family"}),
                         ("void", {"reason": "void"}), ("void", {"reason": "back"})]:
        body = post(client, unit, action, data).get_data(as_text=True)
        assert autofocused(body) == [heading], action
    # A stale change: focus on the message, which is also announced.
    body = offer(client, unit, board["second"], unit_version=stale).get_data(as_text=True)
    assert autofocused(body) == ["board-notice"]
    assert ('hx-swap-oob="innerHTML:#app-status">Unit Mare Street House, Flat 1 was '
            'changed by') in body
    # A refused one (no destination) likewise.
    offer(client, unit, board["second"])
    post(client, unit, "move-in", {"moved_in_on": "2026-01-10"})
    body = post(client, unit, "move-on", {"moved_out_on": "2026-06-30"}).get_data(True)
    assert autofocused(body) == ["board-notice"]
    # Waiting-list changes: focus on the list, or on the woman just added.
    third = make_waiting(team_a)
    body = client.post_form(f"/housing/waiting/{third.id}/withdraw",
                            {"entry_version": str(third.version)}, htmx=True).get_data(True)
    assert autofocused(body) == ["waiting-heading"]
    referral = make_woman_referral(team_a)
    body = client.post_form("/housing/waiting", {
        "referral": str(referral.id), "priority": "2", "needs_summary": "Ground floor"},
        htmx=True).get_data(as_text=True)
    added = WaitingEntry.get(WaitingEntry.referral == referral.id)
    assert autofocused(body) == [f"waiting-{added.id}"]


def test_without_javascript_a_refused_change_puts_focus_on_the_message(client_as, board):
    client = client_as("coordinator")
    unit = board["units"][0]
    stale = unit_now(unit).version
    offer(client, unit, board["first"], htmx=False)
    response = offer(client, unit, board["second"], htmx=False, unit_version=stale)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "<html" in body and autofocused(body) == ["board-notice"]
    assert "hx-swap-oob" not in body  # nothing is left over for the page to show twice
