"""Measure Pathways pages against a bare Flask endpoint, both under gunicorn (2 workers)
in the same run, and print each page's throughput as a ratio of the bare endpoint's.

The bare endpoint is loaded right before each page, and the pair is repeated `--rounds`
times (medians are printed): on a shared machine whose speed drifts, a page measured
minutes after its yardstick would show the drift as its own speed.

    make bench                      # or: .venv/bin/python -m bench.run --help
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target: str, port: int, env: dict, workers: int = 2,
                   threads: int = 1) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "-w", str(workers), "--threads", str(threads),
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
                            cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn for {target} did not start")


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form; return the Cookie header for the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
        "Origin": f"http://127.0.0.1:{port}"})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"bench sign-in failed ({response.status})")
    return response.getheader("Set-Cookie").split(";")[0]


def load_wrk(url: str, seconds: int, connections: int, headers: dict) -> dict:
    script = str(Path(__file__).parent / "wrk_report.lua")
    args = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "-s", script]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        return float(re.search(rf"PCTL {label} ([\d.]+)", out).group(1))

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": ms("50"), "p95_ms": ms("95"), "p99_ms": ms("99"),
            "errors": int(non2xx.group(1)) if non2xx else 0, "tool": "wrk"}


def load_python(url: str, seconds: int, connections: int, headers: dict) -> dict:
    """Fallback when wrk is missing: keep-alive connections in threads (the client costs
    CPU too, so ratios are lower than with wrk)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status >= 400:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"rps": len(latencies) / seconds, "p50_ms": q[49], "p95_ms": q[94], "p99_ms": q[98],
            "errors": errors[0], "tool": "python"}


def alone_ms(port: int, path: str, headers: dict, times: int) -> float:
    """Median time of `times` requests made one after another on a quiet server (after one
    to warm up): what one user waits when nobody else is asking."""
    waits = []
    for n in range(times + 1):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
        if n:
            waits.append((time.perf_counter() - start) * 1000)
        conn.close()
    return statistics.median(waits) if waits else float("nan")


def settle(port: int, limit_s: float = 60) -> None:
    """Wait until requests still queued from a load are answered (a quick page answers
    quickly again), so they do not count against the next measurement."""
    stop = time.monotonic() + limit_s
    while time.monotonic() < stop:
        if alone_ms(port, "/healthz", {}, 1) < 20:
            return
        time.sleep(0.2)


def page_size(port: int, path: str, headers: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return len(body)


def median_of(runs: list[dict]) -> dict:
    """The median of each figure over the rounds (errors: their sum)."""
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "ratio", "bare_rps")
    out = {k: statistics.median(r[k] for r in runs) for k in keys if k in runs[0]}
    return {**runs[0], **out, "errors": sum(r["errors"] for r in runs)}


def resolve_paths(scenarios) -> list[tuple]:
    """The scenarios with each path that is a function (an id looked up in the bench
    database) replaced by the path it returns."""
    return [(name, path() if callable(path) else path, *rest)
            for name, path, *rest in scenarios]


def server_settings(db_url: str) -> dict:
    """The environment Pathways runs with in the bench: production settings, the data."""
    return dict(DATABASE_URL=db_url, SECRET_KEY="bench-" + "k" * 40,
                PATHWAYS_ENV="production", RATELIMIT_STORAGE_URI="memory://")


def database_url(where: str) -> str:
    """A database URL as it is (PostgreSQL's database must exist); a path as its SQLite file."""
    return where if "://" in where else f"sqlite:///{Path(where).resolve()}"


def holds_bench_data(database) -> bool:
    from models.accounts import User
    with database.connection_context():
        return User.select().where(User.email == "practitioner@bench.example").exists()


def prepare_data(keep_data: str | None, workdir: Path, scale: int) -> tuple[str, list]:
    """The bench database (generated, or reused from `keep_data` when it already holds the
    bench data; migrated either way) and the scenarios with their paths resolved against it.
    `keep_data` is a SQLite file or a database URL."""
    from bench.generate import generate
    from bench.scenarios import SCENARIOS
    from models.base import init_db
    from models.schema import upgrade

    db_url = database_url(keep_data or str(workdir / "bench.db"))
    os.environ.update(DATABASE_URL=db_url)
    database = init_db(db_url)
    with database.connection_context():
        upgrade(database)
    reuse = keep_data is not None and holds_bench_data(database)
    if reuse:
        print(f"using the data already in {keep_data} (empty it to generate afresh)")
    else:
        started = time.perf_counter()
        generate(scale)
        print(f"generated data in {time.perf_counter() - started:.1f}s at scale {scale}")
    with database.connection_context():
        scenarios = resolve_paths(SCENARIOS)
    database.close()
    return db_url, scenarios


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep-data", metavar="FILE_OR_URL",
                        help="SQLite file or database URL (postgresql://...; the database "
                             "must exist) for the bench data: filled on the first run, reused "
                             "(migrated, not regenerated) on later ones")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn worker processes, for Pathways and the bare endpoint alike")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (more than 1: gunicorn's gthread workers, which "
                             "serve other requests while one waits for the disk)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times each page is measured, each right after the bare endpoint "
                             "(medians are printed)")
    parser.add_argument("--scale", type=int, default=1,
                        help="data size factor passed to each part's generator")
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--alone", type=int, default=7,
                        help="requests made one at a time per page, before the load, whose "
                             "median is the time one user waits when nobody else is asking "
                             "(0 to skip)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.generate import BENCH_PASSWORD

    load = load_wrk if shutil.which("wrk") else load_python
    if load is load_python:
        print("wrk not found (apt-get install wrk gives steadier figures); using the Python client")
    workdir = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    db_url, scenarios = prepare_data(args.keep_data, workdir, args.scale)
    env = dict(os.environ, **server_settings(db_url))

    app_port, bare_port = free_port(), free_port()
    procs = [start_gunicorn("app:create_app()", app_port, env, args.workers, args.threads),
             start_gunicorn("bench.bare_app:app", bare_port, env, args.workers, args.threads)]
    try:
        cookies = {}
        results = []
        bare_url = f"http://127.0.0.1:{bare_port}/bare"
        bare_runs = [load(bare_url, args.seconds, args.connections, {})]
        results.append({"name": "bare Flask", "path": "/bare", **bare_runs[0], "ratio": 1.0,
                        "bytes": page_size(bare_port, "/bare", {}),
                        "alone_p50_ms": alone_ms(bare_port, "/bare", {}, args.alone)})
        for name, path, role, *extra in scenarios:
            if args.only and args.only not in name:
                continue
            headers = dict(extra[0]) if extra else {}  # e.g. HX-Request for a fragment
            if role:
                if role not in cookies:
                    cookies[role] = sign_in(app_port, f"{role}@bench.example", BENCH_PASSWORD)
                headers["Cookie"] = cookies[role]
            size = page_size(app_port, path, headers)
            # Before the load: a loaded server still has queued requests to answer after.
            alone = alone_ms(app_port, path, headers, args.alone)
            runs = []
            for _ in range(args.rounds):
                bare = load(bare_url, args.seconds, args.connections, {})
                bare_runs.append(bare)
                figures = load(f"http://127.0.0.1:{app_port}{path}", args.seconds,
                               args.connections, headers)
                settle(app_port)
                runs.append({**figures, "ratio": figures["rps"] / bare["rps"],
                             "bare_rps": bare["rps"]})
            results.append({"name": name, "path": path, **median_of(runs), "bytes": size,
                            "alone_p50_ms": alone, "rounds": runs})
        results[0].update(median_of(bare_runs), ratio=1.0)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{args.connections} connections at once (req/s, p50, p95); 'alone': the median "
          f"of {args.alone} requests one at a time, the wait of a user nobody else competes with.")
    print(f"'vs bare': against the bare endpoint loaded just before the page; medians of "
          f"{args.rounds} round{'s' if args.rounds > 1 else ''}.")
    print(f"\n{'page':<34}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'alone ms':>9}{'KB':>7}"
          f"{'vs bare':>8}")
    for r in results:
        print(f"{r['name']:<34}{r['rps']:>8.0f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
              f"{r['alone_p50_ms']:>9.1f}{r['bytes'] / 1024:>7.1f}{r['ratio']:>8.0%}"
              + (f"  ({r['errors']} errors)" if r["errors"] else ""))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"connections": args.connections, "seconds": args.seconds,
                               "rounds": args.rounds, "scale": args.scale, "results": results},
                              indent=2))
    print(f"\nsaved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
