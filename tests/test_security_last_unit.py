"""The last housing unit: one property with exactly one vacant unit and twenty women on
its team's waiting list. Twenty coordinators offer that unit at the same moment, first
from twenty threads (through the board's route), then from twenty separate processes
(through the board's own change, each with its own connection to the same database).
Exactly one offer wins, the other nineteen are refused as a conflict, and nothing is
half-written: one placement, one history row, one audit event, and every other woman
still waiting with her entry untouched."""
from __future__ import annotations

import multiprocessing
import threading
import time

from models.audit import AuditEvent
from models.base import db
from models.housing import HousingEvent, Placement, Unit, WaitingEntry
from tests.factories import make_user
from tests.pathways_factories import make_property, make_waiting
from tests.route_walker import record_figure

CLAIMS = 20


def _last_unit(team):
    """The property with one vacant unit, twenty women waiting, twenty coordinators."""
    _, (unit,) = make_property(team, units=("Flat 1",))
    entries = [make_waiting(team) for _ in range(CLAIMS)]
    coordinators = [make_user("coordinator", [team], name=f"Coordinator {n}")
                    for n in range(1, CLAIMS + 1)]
    assert Unit.select().where(Unit.status == "vacant").count() == 1
    return unit, entries, coordinators


def _assert_one_placement(unit, entries, winner_entry_id):
    """Exactly the winner's offer is stored, whole; nothing of the nineteen others."""
    db.connect(reuse_if_open=True)
    placements = list(Placement.select().where(Placement.unit == unit))
    assert len(placements) == 1
    placement = placements[0]
    assert placement.ended_at is None and placement.waiting_entry_id == winner_entry_id
    stored_unit = Unit.get_by_id(unit.id)
    assert (stored_unit.status, stored_unit.version) == ("offered", unit.version + 1)
    for entry in entries:
        stored = WaitingEntry.get_by_id(entry.id)
        if entry.id == winner_entry_id:
            assert (stored.status, stored.version) == ("offered", entry.version + 1)
            assert placement.person_id == stored.person_id
        else:  # untouched: still waiting, same version, no placement of hers
            assert (stored.status, stored.version) == ("waiting", entry.version)
    # One history row and one audit event, both for the winning placement; no orphans.
    events = list(HousingEvent.select())
    assert [(e.action, e.placement_id, e.waiting_entry_id) for e in events] == \
        [("offered", placement.id, winner_entry_id)]
    assert AuditEvent.select().where(AuditEvent.action == "housing.offered").count() == 1
    assert Placement.select().count() == 1


def test_twenty_threads_offering_the_last_unit_have_exactly_one_winner(app, team_a):
    unit, entries, coordinators = _last_unit(team_a)
    clients = [app.test_client().sign_in(user) for user in coordinators]
    tokens = [client.csrf_token() for client in clients]
    db.close()  # each thread opens its own connection
    barrier, lock, outcomes = threading.Barrier(CLAIMS), threading.Lock(), []

    def claim(n):
        client, entry = clients[n], entries[n]
        try:
            client.get("/healthz")  # connected before the race starts
            barrier.wait(timeout=30)
            response = client.post(f"/housing/units/{unit.id}/offer", headers={
                "HX-Request": "true"}, data={"csrf_token": tokens[n],
                                             "entry": f"{entry.id}:{entry.version}",
                                             "unit_version": str(unit.version)})
            outcome = (response.status_code, response.get_data(as_text=True))
        except Exception as exc:  # reported below, so a thread's failure fails the test
            outcome = ("error", repr(exc))
        finally:
            if not db.is_closed():
                db.close()
        with lock:
            outcomes.append((entry.id, outcome))

    started = time.monotonic()
    threads = [threading.Thread(target=claim, args=(n,)) for n in range(CLAIMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    seconds = round(time.monotonic() - started, 2)

    won = [entry_id for entry_id, (status, body) in outcomes
           if status == 200 and "Flat 1 offered to" in body]
    refused = [entry_id for entry_id, (status, body) in outcomes
               if status in (200, 409) and "was changed by Coordinator" in body
               and "here is the current state" in body]
    record_figure("last-unit-threads", {
        "claims": len(outcomes), "winners": len(won), "refused": len(refused),
        "statuses": sorted({str(status) for _, (status, _) in outcomes}), "seconds": seconds})
    assert (len(won), len(refused)) == (1, CLAIMS - 1), \
        [(entry_id, status, body[:200]) for entry_id, (status, body) in outcomes]
    _assert_one_placement(unit, entries, won[0])


def test_twenty_processes_offering_the_last_unit_have_exactly_one_winner(app, team_a):
    from tests.concurrency_workers import offer_last_unit

    unit, entries, coordinators = _last_unit(team_a)
    url = app.config["DATABASE_URL"]  # SQLite: the test's file; PostgreSQL: its schema
    db.close()  # the children open their own connections
    # forkserver: each child is forked from a fresh interpreter (not from this test
    # process, so it inherits no connection or state of ours) that has imported the
    # board's code once; spawning twenty interpreters would take most of a minute here.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["blueprints.pathways.placements", "models.accounts"])
    barrier, results = context.Barrier(CLAIMS), context.Queue()
    processes = [context.Process(target=offer_last_unit, args=(
        url, unit.id, unit.version, entry.id, entry.version, user.id, barrier, results))
        for entry, user in zip(entries, coordinators)]
    started = time.monotonic()
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=60) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    seconds = round(time.monotonic() - started, 2)

    won = [entry_id for entry_id, outcome in outcomes if outcome == "won"]
    refused = [entry_id for entry_id, outcome in outcomes if outcome in ("conflict", "refused")]
    record_figure("last-unit-processes", {
        "claims": len(outcomes), "winners": len(won), "refused": len(refused),
        "refused_as_conflict": sum(outcome == "conflict" for _, outcome in outcomes),
        "seconds": seconds})
    assert (len(won), len(refused)) == (1, CLAIMS - 1), outcomes
    assert all(process.exitcode == 0 for process in processes)
    _assert_one_placement(unit, entries, won[0])
