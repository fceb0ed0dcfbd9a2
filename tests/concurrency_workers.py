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
