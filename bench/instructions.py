"""Machine instructions per request for each bench page, against the bare Flask endpoint.

Throughput on a shared virtual machine drifts from one minute to the next (the same page
has measured 215 and 330 req/s on the same code), so a change of 10% can hide in the
noise. Instructions do not drift: valgrind's callgrind counts them, and the same code on
the same data gives the same count whatever else the machine is doing. Each page is
requested through Flask's test client in a process run under callgrind, counting only the
measured requests (not start-up, sign-in or warm-up); the bare endpoint is measured the
same way, and "vs bare" is its count over the page's: the share of bare Flask's
throughput the page would reach if both were bound by the processor alone. The server
itself (gunicorn, the network) and the database's waits (fsync) are not in these counts;
`bench.run` measures those.

    .venv/bin/python -m bench.instructions --keep-data bench.db --only caseload
    (needs valgrind: apt-get install valgrind)
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def signed_in(client, role: str):
    """A Flask test client signed in as the bench user of `role`, through the login form."""
    from bench.generate import BENCH_PASSWORD
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = client.post("/login", data={"email": f"{role}@bench.example",
                                         "password": BENCH_PASSWORD, "csrf_token": token})
    if signed.status_code != 302:
        raise SystemExit(f"bench sign-in failed ({signed.status_code})")
    return client


def _child(path: str, role: str, htmx: bool, requests: int) -> None:
    """Runs under callgrind: sign in, warm up, then count `requests` requests only."""
    sys.path.insert(0, str(ROOT))
    if path == "/bare":
        from bench.bare_app import app
        client = app.test_client()
    else:
        from app import create_app
        client = create_app().test_client()
        if role:
            signed_in(client, role)
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(3):
        status = client.get(path, headers=headers).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    control = ["callgrind_control", "-i"]
    subprocess.run(control + ["on", str(os.getpid())], capture_output=True, check=True)
    for _ in range(requests):
        client.get(path, headers=headers)
    subprocess.run(control + ["off", str(os.getpid())], capture_output=True, check=True)


def count(path: str, role: str | None, htmx: bool, requests: int, env: dict) -> float:
    """Instructions per request for one page (millions)."""
    with tempfile.TemporaryDirectory(prefix="pathways-callgrind-") as out:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}/callgrind.out", sys.executable, "-m",
             "bench.instructions", "--child", path, role or "", "1" if htmx else "",
             str(requests)],
            cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"callgrind run for {path} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1)) / requests / 1e6


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        path, role, htmx, requests = argv[1:5]
        _child(path, role, bool(htmx), int(requests))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-data", metavar="FILE",
                        help="SQLite file of bench data (as for bench.run: made if missing)")
    parser.add_argument("--only", help="only scenarios whose name contains this")
    parser.add_argument("--requests", type=int, default=20,
                        help="requests counted per page (after three to warm up)")
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    sys.path.insert(0, str(ROOT))
    from bench.run import prepare_data, server_settings

    workdir = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    try:
        db_url, scenarios = prepare_data(args.keep_data, workdir, args.scale)
        env = dict(os.environ, **server_settings(db_url))
        bare = count("/bare", None, False, args.requests, env)
        print(f"\nmillion instructions per request (callgrind, {args.requests} requests "
              "through the test client); 'vs bare': the bare endpoint's count over the page's")
        print(f"\n{'page':<34}{'M instr':>9}{'vs bare':>9}")
        print(f"{'bare Flask':<34}{bare:>9.2f}{1:>9.0%}")
        for name, path, role, *extra in scenarios:
            if args.only and args.only not in name:
                continue
            htmx = bool(extra and extra[0].get("HX-Request"))
            page = count(path, role, htmx, args.requests, env)
            print(f"{name:<34}{page:>9.2f}{bare / page:>9.0%}", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
