"""Case-work pages at two data sizes: throughput against bare Flask in the same run, p95 at
16 connections, and how page time grows from 10k to 1M notes. Each page is also shown
against the signed-in floor (a whole signed-in page with no rows, measured in the same
run): the floor is what every page pays before its own work, so "vs floor" is the share
left to that work. Both databases are served at once and every page is loaded on each in
turn, several rounds over (medians shown), so a machine whose speed drifts does not pass
its drift off as growth.

    .venv/bin/python -m bench.case_growth                 # generates both databases
    .venv/bin/python -m bench.case_growth --small /tmp/s.db --large /tmp/l.db   # reuse
    .venv/bin/python -m bench.case_growth \
        --small postgresql://postgres@127.0.0.1:5432/pathways_small \
        --large postgresql://postgres@127.0.0.1:5432/pathways_bench   # on PostgreSQL

Both databases hold every part's usual bench data; the large one has case work at scale
100 (100k more people, 1M notes). Generating it takes a while; pass --large to reuse one
made earlier (it is left in place when generated here). A database named by --small or
--large that is empty (a PostgreSQL database must exist) is filled first."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "signed-in floor (whole page)"
CASE_SCENARIOS = [FLOOR, "caseload", "find a person", "find a person (as you type)",
                  "person timeline (200 notes)", "note search"]


def make_database(where: str, case_scale: int) -> None:
    """Migrate the database at `where` (a SQLite file or a database URL) and fill it with
    the bench data unless it holds it already."""
    from bench.generate import generate
    from bench.run import database_url, holds_bench_data
    from models.base import db, init_db
    from models.schema import upgrade
    database = init_db(database_url(where))
    with database.connection_context():
        upgrade(database)
    if holds_bench_data(database):
        return
    print(f"generating the bench data (case work at scale {case_scale})...", flush=True)
    generate(1, case_scale=case_scale)
    if not db.is_closed():
        db.close()


def measure(paths: dict[str, str], seconds: int, connections: int, rounds: int) -> dict:
    """Serve each database (and the bare endpoint) at once, then load every page on each
    database in turn, `rounds` times over: on a machine whose speed drifts, the sizes are
    measured side by side rather than minutes apart. Medians over the rounds."""
    from bench.generate import BENCH_PASSWORD
    from bench.run import (alone_ms, database_url, free_port, load_python, load_wrk,
                           page_size, server_settings, settle, sign_in, start_gunicorn)
    from bench.scenarios import SCENARIOS
    load = load_wrk if shutil.which("wrk") else load_python
    procs, ports = [], {}
    try:
        for size, path in paths.items():
            env = dict(os.environ, **server_settings(database_url(path)))
            ports[size] = free_port()
            procs.append(start_gunicorn("app:create_app()", ports[size], env))
        bare_port = free_port()  # the bare endpoint touches no database
        procs.append(start_gunicorn("bench.bare_app:app", bare_port, env))
        headers = {size: {"Cookie": sign_in(port, "practitioner@bench.example", BENCH_PASSWORD)}
                   for size, port in ports.items()}
        pages = [(name, url, extra[0] if extra else {})
                 for name, url, _role, *extra in SCENARIOS if name in CASE_SCENARIOS]
        runs: dict = {}
        alone: dict = {}
        for size, port in ports.items():
            for name, url, extra in pages:
                page_size(port, url, dict(headers[size], **extra))  # warm up; a non-200 fails
                alone[size, name] = alone_ms(port, url, dict(headers[size], **extra), 9)
        for _ in range(rounds):
            runs.setdefault("bare Flask", []).append(
                load(f"http://127.0.0.1:{bare_port}/bare", seconds, connections, {}))
            for name, url, extra in pages:
                for size, port in ports.items():
                    runs.setdefault((size, name), []).append(
                        load(f"http://127.0.0.1:{port}{url}", seconds, connections,
                             dict(headers[size], **extra)))
                    settle(port)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)

    def median(figures, key):
        return statistics.median(f[key] for f in figures)

    bare_rps = median(runs["bare Flask"], "rps")
    results = {size: {} for size in paths}
    for (size, name), figures in ((k, v) for k, v in runs.items() if k != "bare Flask"):
        results[size][name] = {"rps": median(figures, "rps"), "p50_ms": median(figures, "p50_ms"),
                               "p95_ms": median(figures, "p95_ms"), "alone_ms": alone[size, name],
                               "ratio": median(figures, "rps") / bare_rps,
                               "errors": sum(f["errors"] for f in figures)}
    # Against the whole signed-in page with no rows: what the page's own work costs, apart
    # from what every signed-in page pays (session, user, CSRF token, headers, layout).
    for size, pages in results.items():
        for r in pages.values():
            r["vs_floor"] = r["rps"] / pages[FLOOR]["rps"]
    return {"bare_rps": bare_rps, "results": results}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", help="the scale-1 database (10k notes): a SQLite file or a "
                                            "database URL, filled first if it is empty")
    parser.add_argument("--large", help="the scale-100 database (1M notes), likewise")
    parser.add_argument("--seconds", type=int, default=4, help="each load, per page and size")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times every page is loaded on each database (medians are shown)")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="pathways-case-bench-"))
    small = args.small or str(work / "small.db")
    large = args.large or str(work / "large.db")
    make_database(small, 1)
    make_database(large, 100)
    if not args.large:
        print(f"large database kept at {large} (pass --large to reuse it)")
    measured = measure({"10k notes": small, "1M notes": large}, args.seconds,
                       args.connections, args.rounds)
    runs = measured["results"]
    print(f"\nMedians of {args.rounds} rounds; bare Flask {measured['bare_rps']:.0f} req/s. "
          "'alone': the median of 9 requests one at a time.")
    print(f"\n{'page':<30}{'data':>11}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'alone ms':>9}"
          f"{'vs bare':>9}{'vs floor':>9}")
    for size, results in runs.items():
        for name, r in results.items():
            print(f"{name:<30}{size:>11}{r['rps']:>8.0f}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}"
                  f"{r['alone_ms']:>9.1f}{r['ratio']:>9.0%}{r['vs_floor']:>9.0%}"
                  + (f" ({r['errors']} errors)" if r["errors"] else ""))
    print(f"\n{'page':<30}{'1M/10k p50':>12}{'1M/10k req/s':>14}{'1M/10k alone':>14}")
    for name in CASE_SCENARIOS[1:]:
        a, b = runs["10k notes"].get(name), runs["1M notes"].get(name)
        if a and b:
            print(f"{name:<30}{b['p50_ms'] / a['p50_ms']:>12.2f}{a['rps'] / b['rps']:>14.2f}"
                  f"{b['alone_ms'] / a['alone_ms']:>14.2f}")
    if not args.small:
        os.unlink(small)


if __name__ == "__main__":
    main()
