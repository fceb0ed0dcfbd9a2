"""Case-work pages at two data sizes: throughput against bare Flask in the same run, p95 at
16 connections, and how page time grows from 10k to 1M notes.

    .venv/bin/python -m bench.case_growth                 # generates both databases
    .venv/bin/python -m bench.case_growth --small /tmp/s.db --large /tmp/l.db   # reuse

Both databases hold every part's usual bench data; the large one has case work at scale
100 (100k more people, 1M notes). Generating it takes a while; pass --large to reuse one
made earlier (it is left in place when generated here)."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE_SCENARIOS = ["caseload", "find a person", "find a person (as you type)",
                  "person timeline (200 notes)", "note search"]


def make_database(path: str, case_scale: int) -> None:
    from models.base import db, init_db
    from models.schema import upgrade
    from bench.generate import generate
    database = init_db(f"sqlite:///{path}")
    with database.connection_context():
        upgrade(database)
    generate(1, case_scale=case_scale)
    if not db.is_closed():
        db.close()


def measure(path: str, seconds: int, connections: int) -> dict:
    from bench.generate import BENCH_PASSWORD
    from bench.run import (free_port, load_python, load_wrk, page_size, sign_in,
                           start_gunicorn)
    from bench.scenarios import SCENARIOS
    load = load_wrk if shutil.which("wrk") else load_python
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{path}", SECRET_KEY="bench-" + "k" * 40,
               PATHWAYS_ENV="production", RATELIMIT_STORAGE_URI="memory://")
    app_port, bare_port = free_port(), free_port()
    procs = [start_gunicorn("app:create_app()", app_port, env),
             start_gunicorn("bench.bare_app:app", bare_port, env)]
    results = {}
    try:
        bare = load(f"http://127.0.0.1:{bare_port}/bare", seconds, connections, {})
        results["bare Flask"] = dict(bare, ratio=1.0)
        cookie = sign_in(app_port, "practitioner@bench.example", BENCH_PASSWORD)
        headers = {"Cookie": cookie}
        for name, url, _role, *extra in SCENARIOS:
            if name not in CASE_SCENARIOS:
                continue
            request_headers = dict(headers, **(extra[0] if extra else {}))
            page_size(app_port, url, request_headers)  # warm up; fails loudly on a non-200
            figures = load(f"http://127.0.0.1:{app_port}{url}", seconds, connections,
                           request_headers)
            results[name] = dict(figures, ratio=figures["rps"] / bare["rps"])
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", help="reuse this scale-1 database (10k notes)")
    parser.add_argument("--large", help="reuse this scale-100 database (1M notes)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="pathways-case-bench-"))
    small = args.small or str(work / "small.db")
    large = args.large or str(work / "large.db")
    if not args.small:
        make_database(small, 1)
    if not args.large:
        make_database(large, 100)
        print(f"large database kept at {large} (pass --large to reuse it)")
    runs = {"10k notes": measure(small, args.seconds, args.connections),
            "1M notes": measure(large, args.seconds, args.connections)}
    print(f"\n{'page':<30}{'data':>11}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'vs bare':>9}")
    for size, results in runs.items():
        for name, r in results.items():
            print(f"{name:<30}{size:>11}{r['rps']:>8.0f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
                  f"{r['ratio']:>8.0%}" + (f" ({r['errors']} errors)" if r["errors"] else ""))
    print(f"\n{'page':<30}{'1M/10k p50':>12}{'1M/10k req/s':>14}")
    for name in CASE_SCENARIOS:
        a, b = runs["10k notes"].get(name), runs["1M notes"].get(name)
        if a and b:
            print(f"{name:<30}{b['p50_ms'] / a['p50_ms']:>12.2f}{a['rps'] / b['rps']:>14.2f}")
    if not args.small:
        os.unlink(small)


if __name__ == "__main__":
    main()
