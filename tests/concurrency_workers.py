"""Work done in separate processes by the concurrency tests (importable, for 'spawn')."""
from __future__ import annotations


def claim_in_process(config: dict, alt_id: str, user_id: int, version: int, team_ids: list,
                     name: str, barrier, results) -> None:
    """Sign in as the administrator with session key `alt_id`, wait for every other
    process, then try to save an edit of user `user_id` made from `version`."""
    import time

    from app import create_app
    from tests.conftest import PathwaysClient

    app = create_app(config)
    app.test_client_class = PathwaysClient
    client = app.test_client()
    now = int(time.time())
    with client.session_transaction() as sess:
        sess.update({"_user_id": alt_id, "_fresh": True, "auth_at": now, "seen_at": now})
    data = {"name": name, "email": f"claimed{user_id}@pathways.example", "role": "practitioner",
            "active": "y", "version": str(version), "teams": [str(t) for t in team_ids],
            "csrf_token": client.csrf_token()}
    client.get("/healthz")  # connect before the race starts
    barrier.wait(timeout=60)
    response = client.post(f"/admin/users/{user_id}", data=data)
    results.put(response.status_code)


def offer_last_unit(url: str, unit_id: int, unit_version: int, entry_id: int,
                    entry_version: int, user_id: int, barrier, results) -> None:
    """Bind the test database at `url`, wait for every other process, then offer unit
    `unit_id` (as seen at `unit_version`) to waiting-list entry `entry_id` through the
    board's own change. Puts (entry_id, "won" | "conflict" | "refused" | error) on results."""
    from blueprints.pathways import placements
    from models.accounts import User
    from models.base import db, init_db
    from models.housing import Unit, WaitingEntry

    init_db(url)
    try:
        unit, entry = Unit.get_by_id(unit_id), WaitingEntry.get_by_id(entry_id)
        user = User.get_by_id(user_id)   # connected and loaded before the race starts
        barrier.wait(timeout=60)
        try:
            placements.offer(unit, unit_version, entry, entry_version, user)
            outcome = "won"
        except placements.Conflict as conflict:
            outcome = "conflict" if "was changed by" in conflict.message else conflict.message
        except placements.TransitionRefused:
            outcome = "refused"
    except Exception as exc:  # reported to the test, which fails on it
        outcome = f"error: {exc!r}"
    finally:
        if not db.is_closed():
            db.close()
    results.put((entry_id, outcome))
