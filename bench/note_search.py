"""Note search on a million notes, on SQLite or PostgreSQL: the time one practitioner waits
for the search page, for the kinds of search that stress it differently, against the bare
Flask endpoint measured the same way in the same run ('vs bare': its time over the
page's). The target: under 100 ms on a million notes.

    .venv/bin/python -m bench.note_search --database-url sqlite:////tmp/large.db
    .venv/bin/python -m bench.note_search \\
        --database-url postgresql://postgres@127.0.0.1:5432/pathways_bench

A database without notes is first given the usual bench data with case work at scale 100
(100k people, 1M notes: about 5 minutes on SQLite; PostgreSQL's database must exist).
Pages are asked for through Flask's test client, so the figures are the server's own time
(SQL, rendering, the audit write), without the network.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every bench note is two to four of sixteen sentences, so each word is in about a fifth
# of all notes: the hardest case for an index, whose lists are long.
SEARCHES = [
    ("two common words, often together", "hostel housing"),
    ("one common word", "court"),
    ("four common words", "cells calm engaged morning"),
    ("one letter", "h"),
    ("a word nobody wrote", "zzzqx"),
    ("a common word and one nobody wrote", "hostel zzzqx"),
    ("two common words, seldom together", "hostel voicemail"),
    ("four common words, seldom together", "hostel voicemail debt court"),
]


def _median_ms(get, times: int) -> float:
    get()  # warm up
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        get()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--times", type=int, default=9, help="requests per search (median)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.case_growth import make_database
    from bench.run import server_settings
    from models.base import db
    from models.notes import CaseNote

    os.environ.update(server_settings(args.database_url))
    make_database(args.database_url, 100)  # 1M notes, generated first if it is empty
    with db.connection_context():
        notes = CaseNote.select().count()

    from bench.bare_app import app as bare
    bare_client = bare.test_client()
    bare_ms = _median_ms(lambda: bare_client.get("/bare"), args.times)
    from app import create_app
    from bench.instructions import signed_in
    client = signed_in(create_app().test_client(), "practitioner")
    engine = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"\nnote search on {engine}, {notes:,} notes; the median of {args.times} requests "
          f"one at a time (bare Flask: {bare_ms:.2f} ms)\n")
    print(f"{'search':<38}{'words':<30}{'ms':>8}{'vs bare':>9}{'found':>7}")
    for name, words in SEARCHES:
        def get(words=words):
            page = client.get("/people/notes", query_string={"q": words})
            if page.status_code != 200:
                raise SystemExit(f"note search answered {page.status_code}")
            return page
        spent = _median_ms(get, args.times)
        found = get().get_data(as_text=True).count('<li class="nhsuk-card')
        print(f"{name:<38}{words:<30}{spent:>8.1f}{bare_ms / spent:>9.1%}{found:>7}",
              flush=True)


if __name__ == "__main__":
    main()
