"""Concurrency, crash and backup: many writers at once never meet "database is locked",
only one of many simultaneous claims on the same record wins, a killed server loses no
acknowledged write, and a backup taken while writers run restores completely."""
from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from models.accounts import Team, User
from models.audit import AuditEvent
from models.backup import checksums, manifest_path
from models.base import db, is_postgres
from tests.database import PG_URL, _with_search_path
from tests.factories import PASSWORD, make_team, make_user
from tests.route_walker import record_figure

ROOT = Path(__file__).resolve().parent.parent
LOCKED = re.compile(r"database is locked|could not serialize|deadlock", re.IGNORECASE)


def write_teams(app, admin, prefix: str, stop: threading.Event, results: dict, lock):
    """One writer: add teams through the app until told to stop."""
    client = app.test_client().sign_in(admin)
    token = client.csrf_token()
    n = 0
    while not stop.is_set():
        n += 1
        name = f"{prefix} {n}"
        response = client.post("/admin/teams/new", data={
            "csrf_token": token, "name": name, "site_type": "community"})
        with lock:
            results["requests"] += 1
            if response.status_code == 302:
                results["acknowledged"].append(name)
            else:
                results["errors"].append((response.status_code,
                                          response.get_data(as_text=True)[:200]))


def run_writers(app, admin, writers: int, seconds: float, during=None) -> dict:
    stop, lock = threading.Event(), threading.Lock()
    results = {"requests": 0, "acknowledged": [], "errors": []}
    threads = [threading.Thread(target=write_teams,
                                args=(app, admin, f"Writer {i}", stop, results, lock))
               for i in range(writers)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    outcome = during() if during else None
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    results["during"] = outcome
    return results


def check_every_write_landed(results):
    stored = {t.name for t in Team.select(Team.name)}
    missing = [n for n in results["acknowledged"] if n not in stored]
    assert missing == []
    created = AuditEvent.select().where(AuditEvent.action == "admin.team_created").count()
    assert created == len(results["acknowledged"])
    assert AuditEvent.verify_chain()[1] is None


def _writers_test(app, seconds, figure):
    admin = make_user("admin")
    results = run_writers(app, admin, writers=50, seconds=seconds)
    locked = [e for e in results["errors"] if LOCKED.search(e[1]) or e[0] >= 500]
    record_figure(figure, {"writers": 50, "seconds": seconds, "requests": results["requests"],
                           "acknowledged": len(results["acknowledged"]),
                           "errors": len(results["errors"])})
    assert locked == [] and results["errors"] == []
    assert len(results["acknowledged"]) >= 50
    check_every_write_landed(results)


def test_fifty_concurrent_writers_never_fail(app):
    _writers_test(app, seconds=3, figure="writers-short")


@pytest.mark.slow
def test_fifty_concurrent_writers_for_thirty_seconds_never_fail(app):
    _writers_test(app, seconds=30, figure="writers-30s")


# -- simultaneous claims on one record ----------------------------------------------------

def _claim_setup():
    team = make_team("Team A")
    admins = [make_user("admin") for _ in range(20)]
    target = make_user("practitioner", [team], name="Claimed user")
    return team, admins, target


def _claims_outcome(statuses, target):
    winners = statuses.count(302)
    refused = statuses.count(200)
    stored = User.get_by_id(target.id)
    return winners, refused, stored


def test_twenty_threads_claiming_one_record_have_exactly_one_winner(app):
    team, admins, target = _claim_setup()
    barrier, statuses, lock = threading.Barrier(20), [], threading.Lock()

    def claim(i):
        client = app.test_client().sign_in(admins[i])
        data = {"name": f"Claimed by {i}", "email": target.email, "role": "practitioner",
                "active": "y", "version": str(target.version), "teams": [str(team.id)],
                "csrf_token": client.csrf_token()}
        client.get("/healthz")
        barrier.wait(timeout=30)
        status = client.post(f"/admin/users/{target.id}", data=data).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners, refused, stored = _claims_outcome(statuses, target)
    record_figure("claims-threads", {"claims": len(statuses), "winners": winners,
                                     "refused": refused})
    assert (winners, refused) == (1, 19), statuses
    assert stored.version == target.version + 1 and stored.name.startswith("Claimed by ")


@pytest.mark.parametrize("count", [6, pytest.param(20, marks=pytest.mark.slow)])
def test_processes_claiming_one_record_have_exactly_one_winner(app, count):
    team, admins, target = _claim_setup()
    # fork: the children start from this process's imports (spawn re-imports everything,
    # several seconds each on a busy machine); each child builds its own app and connection.
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(count), context.Queue()
    config = dict(app.config)
    config = {k: config[k] for k in ("TESTING", "SECRET_KEY", "DATABASE_URL", "ARGON2_TIME_COST",
                                     "ARGON2_MEMORY_COST", "PATHWAYS_ENV")}
    from models.accounts import Membership  # noqa: F401  (teams of the target are fixed)
    processes = [context.Process(target=_claim_target(), args=(
        config, admins[i].alt_id, target.id, target.version, [team.id],
        f"Claimed by process {i}", barrier, results)) for i in range(count)]
    db.close()  # children open their own connections
    for process in processes:
        process.start()
    statuses = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    winners, refused, stored = _claims_outcome(statuses, target)
    record_figure(f"claims-processes-{count}", {"claims": count, "winners": winners, "refused": refused})
    assert (winners, refused) == (1, count - 1), statuses
    assert stored.name.startswith("Claimed by process")


def _claim_target():
    from tests.concurrency_workers import claim_in_process
    return claim_in_process


# -- backup and restore -------------------------------------------------------------------

def _fresh_instance_url(tmp_path) -> tuple[str, callable]:
    """A URL for a brand-new, empty Pathways database, and how to remove it afterwards."""
    if not is_postgres():
        return f"sqlite:///{tmp_path / 'restored.db'}", lambda: None
    import psycopg2
    name = "pathways_restore_" + uuid.uuid4().hex[:10]
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    parts = urllib.parse.urlsplit(PG_URL)
    base = parts._replace(path=f"/{name}").geturl()
    schema = urllib.parse.parse_qs(urllib.parse.urlsplit(
        db.obj.connect_params.get("options", "") and "x://x/?options=" + urllib.parse.quote(
            db.obj.connect_params["options"])).query).get("options", [""])[0]
    url = _with_search_path(base, schema.split("=", 1)[1]) if schema else base

    def drop():
        conn = psycopg2.connect(PG_URL)
        conn.autocommit = True
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
    return url, drop


def test_backup_taken_while_writers_run_restores_completely(app, tmp_path):
    if is_postgres() and not __import__("shutil").which("pg_dump"):
        pytest.skip("pg_dump is not installed: PostgreSQL backups need the client tools")
    admin = make_user("admin")
    backup_file = tmp_path / "backups" / "pathways-backup.db"
    runner = app.test_cli_runner()

    def take_backup():
        time.sleep(1.0)
        return runner.invoke(args=["backup", str(backup_file)])

    results = run_writers(app, admin, writers=10, seconds=2.5, during=take_backup)
    made = results["during"]
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output
    assert results["errors"] == []
    manifest = __import__("json").loads(manifest_path(backup_file).read_text())
    backed_up_teams = manifest["tables"]["team"]["rows"]
    assert 0 < backed_up_teams < len(results["acknowledged"]) + 1  # taken mid-way

    url, drop = _fresh_instance_url(tmp_path)
    try:
        from app import create_app
        fresh = create_app(dict(app.config, DATABASE_URL=url))
        restored = fresh.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert restored.exit_code == 0, restored.output
        assert "checksums match" in restored.output
        assert checksums(db.obj) == manifest["tables"]
        # Consistent, not torn: every team in the backup has its audit row, and the chain
        # verifies up to the last row the backup holds.
        teams = Team.select().count()
        created = AuditEvent.select().where(AuditEvent.action == "admin.team_created").count()
        assert teams == created == backed_up_teams
        assert AuditEvent.verify_chain()[1] is None
        again = fresh.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert again.exit_code != 0 and "already holds data" in again.output
        record_figure("backup", {"tables": len(manifest["tables"]),
                                 "rows": sum(t["rows"] for t in manifest["tables"].values()),
                                 "writes_during": len(results["acknowledged"])})
    finally:
        if not db.is_closed():
            db.close()
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()
        drop()


def test_backup_refuses_to_overwrite_a_file(app, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "keep me"


# -- crash: kill -9 the server while it writes --------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A tiny HTTP client with cookies that does not follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        status, page = self.request(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="crash-test-secret-" + "k" * 32,
               PATHWAYS_ENV="development")
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "1", "--bind",
         f"127.0.0.1:{port}", "--graceful-timeout", "2", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _wait_for(condition, minimum: float, limit: float = 30.0) -> None:
    """Wait at least `minimum` seconds, then until `condition()` holds (at most `limit`)."""
    time.sleep(minimum)
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def _write_until(browser, stop: threading.Event, acknowledged: list, attempts: list):
    token = None
    n = 0
    while not stop.is_set():
        n += 1
        name = f"Crash {uuid.uuid4().hex[:8]} {n}"
        try:
            token = token or browser.token("/admin/teams/new")
            status, _ = browser.request("/admin/teams/new", {
                "csrf_token": token, "name": name, "site_type": "community"})
        except (OSError, http.client.HTTPException, AttributeError):  # down: not acknowledged
            status = None
            time.sleep(0.05)
        attempts.append(status)
        if status == 302:
            acknowledged.append(name)


@pytest.mark.slow
def test_killing_the_server_mid_write_loses_no_acknowledged_write(app, tmp_path):
    url = app.config["DATABASE_URL"]
    admin = make_user("admin", email="crash-admin@pathways.example")
    db.close()
    port = _free_port()
    server = _start_server(url, port)
    acknowledged, attempts = [], []
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        token = browser.token("/login")
        status, _ = browser.request("/login", {"csrf_token": token, "email": admin.email,
                                               "password": PASSWORD})
        assert status == 302
        stop = threading.Event()
        writer = threading.Thread(target=_write_until,
                                  args=(browser, stop, acknowledged, attempts))
        writer.start()
        # Progress, not a fixed time, decides when to strike: a busy machine writes slower.
        _wait_for(lambda: len(acknowledged) >= 6, minimum=1.5)
        killed = _workers_of(server.pid)
        for pid in killed:  # the worker dies mid-write; the master starts another
            os.kill(pid, signal.SIGKILL)
        time.sleep(2.0)
        assert _workers_of(server.pid) and _workers_of(server.pid) != killed
        for pid in [server.pid] + _workers_of(server.pid):  # then the whole server dies
            os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)
        time.sleep(0.3)
        server = _start_server(url, port)  # restart on the same database
        before_restart = len(acknowledged)
        _wait_for(lambda: len(acknowledged) >= max(10, before_restart + 2), minimum=1.0)
        stop.set()
        writer.join(timeout=30)
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        server.wait(timeout=10)
    if not is_postgres():
        path = url.split("sqlite:///", 1)[1]
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    stored = {t.name for t in Team.select(Team.name)}
    recovered = [n for n in acknowledged if n in stored]
    record_figure("crash", {"attempts": len(attempts), "acknowledged": len(acknowledged),
                            "recovered": len(recovered),
                            "failed_while_down": attempts.count(None)})
    assert len(acknowledged) >= 10
    assert attempts.count(None) >= 1  # the kills really interrupted the writer
    assert recovered == acknowledged
    assert AuditEvent.verify_chain()[1] is None
