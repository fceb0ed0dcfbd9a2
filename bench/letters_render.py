"""Letter rendering against its floor, and a 50-letter court list, in one process.

    .venv/bin/python -m bench.letters_render [--letters 50] [--repeat 30]

The floor is what python-docx alone costs to open and save the same template; a letter
cannot be made faster than that. Pathways renders from templates parsed once per version,
so a letter should cost at most about 1.5 times the floor.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def paired_ms(floor, render, repeat: int) -> tuple[float, float]:
    """Median times of `floor` and `render`, run alternately so that load from other work
    on the machine falls on both alike."""
    floors, renders = [], []
    for _ in range(repeat):
        for fn, times in ((floor, floors), (render, renders)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(floors), statistics.median(renders)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="pathways-letters-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.db"

    from docx import Document

    from app import create_app
    from blueprints.letters import catalogue, court_list, defaults, engine
    from blueprints.letters.generate import london_today, prepared_version, render_version
    from models.base import db, writing
    from models.files import read_bytes
    from models.letters import LetterBatch, LetterTemplate
    from models.schema import upgrade
    from tests.factories import make_hearing, make_person, make_referral, make_team, make_user

    app = create_app({"DATABASE_URL": os.environ["DATABASE_URL"], "LETTERS_BATCH_INLINE": True,
                      "SECRET_KEY": "bench-" + "k" * 40})
    needs = [{"domain": d, "level": "High", "note": "Seen today; wants support"}
             for d in ("Mental health", "Housing", "Substance misuse", "Debt")]
    catalogue.register_context_source(lambda referral: {
        "needs": needs, "assessment": {"summary": "Engaged well; agrees to support."}})
    with app.app_context(), db.connection_context():
        upgrade(db.obj)
        defaults.install_defaults()
        team = make_team("Bench court team")
        manager = make_user("manager", [team], name="Bench Manager")
        today = london_today()
        with writing():
            referrals = []
            for n in range(args.letters):
                person = make_person(given_name=f"Person{n}", family_name="Bench",
                                     address="1 High Street\nLondon N1 1AA")
                referral = make_referral(person, team, reason="Seen in the cells.")
                make_hearing(referral, date=today, time=dt.time(9 + n % 8, 0))
                referrals.append(referral)

        print(f"{'template':<32}{'floor ms':>10}{'render ms':>11}{'ratio':>8}{'first ms':>10}")
        ratios = []
        for template in LetterTemplate.select().order_by(LetterTemplate.id):
            version = template.latest_version()
            blob = read_bytes(version.file)

            def floor():
                out = io.BytesIO()
                Document(io.BytesIO(blob)).save(out)

            engine.CACHE.clear()
            context = catalogue.context_for(referrals[0], catalogue.prefill_for(referrals[0]),
                                            author=manager)
            start = time.perf_counter()
            render_version(version, context)  # parses and caches
            first = (time.perf_counter() - start) * 1000
            prepared_version(version)
            floor_ms, render_ms = paired_ms(floor, lambda: render_version(version, context),
                                            args.repeat)
            ratios.append(render_ms / floor_ms)
            print(f"{template.name[:31]:<32}{floor_ms:>10.1f}{render_ms:>11.1f}"
                  f"{render_ms / floor_ms:>7.2f}x{first:>10.1f}")
        print(f"\nrender / floor: median {statistics.median(ratios):.2f}x, "
              f"worst {max(ratios):.2f}x (target 1.5x)")

        court = LetterTemplate.for_purpose("court_report")
        with writing():
            batch = court_list.start_batch(team, court.latest_version(), today, manager.id)
        start = time.perf_counter()
        court_list.run_batch(batch.id)
        seconds = time.perf_counter() - start
        batch = LetterBatch.get_by_id(batch.id)
        print(f"\ncourt list: {batch.done} letters ({batch.status}) kept on their cases and "
              f"zipped in {seconds:.2f}s ({seconds / max(batch.done, 1) * 1000:.0f} ms a "
              f"letter, zip {batch.file.size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
