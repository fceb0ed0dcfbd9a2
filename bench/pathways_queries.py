"""How many SQL statements the housing board and the SAR caseload run, over the bench's
pathways data (bench/pathways_data.py) and over ten times as much: the two columns should
be equal (no query per unit, placement or enrolment).

    .venv/bin/python -m bench.pathways_queries
"""
from __future__ import annotations

import logging
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Counter(logging.Handler):
    """Counts the statements peewee logs (one DEBUG record per statement)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record):
        self.statements.append(str(record.msg[0]) if isinstance(record.msg, tuple)
                               else str(record.msg))


def measure(scale: int) -> dict[str, int]:
    """Statements per page for a fresh bench database at `scale`."""
    workdir = Path(tempfile.mkdtemp(prefix="pathways-queries-"))
    try:
        db_url = f"sqlite:///{workdir}/bench.db"
        from models.base import init_db
        from models.schema import upgrade
        database = init_db(db_url)
        with database.connection_context():
            upgrade(database)
            from bench.generate import BENCH_PASSWORD, BenchContext, generate_accounts
            from bench.pathways_data import generate_pathways, sar_caseload_path
            ctx = BenchContext()
            generate_accounts(ctx, scale)
            generate_pathways(ctx, scale)
            caseload = sar_caseload_path()
        database.close()

        from app import create_app
        app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "q" * 40, "TESTING": True})
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"email": "coordinator@bench.example",
                                                "password": BENCH_PASSWORD,
                                                "csrf_token": token})
        assert response.status_code == 302, f"bench sign-in failed ({response.status_code})"
        logger = logging.getLogger("peewee")
        logger.setLevel(logging.DEBUG)
        counts = {}
        for name, path, headers in (("housing board", "/housing/", {}),
                                    ("housing board (htmx)", "/housing/",
                                     {"HX-Request": "true"}),
                                    ("SAR caseload", caseload, {})):
            client.get(path, headers=headers)  # warm
            counter = Counter()
            logger.addHandler(counter)
            try:
                assert client.get(path, headers=headers).status_code == 200
            finally:
                logger.removeHandler(counter)
            own = [s for s in counter.statements if not re.search(
                r'"(audit_event|user_account|user_session|membership|team)"', s)
                and s.strip() not in ("R", "B", "C")]
            counts[name] = (len(counter.statements), len(own))
        return counts
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    small, large = measure(1), measure(10)
    print(f"{'page':<24}{'scale 1':>14}{'scale 10':>14}   (all statements / the page's own)")
    for name in small:
        print(f"{name:<24}{'%d / %d' % small[name]:>14}{'%d / %d' % large[name]:>14}")


if __name__ == "__main__":
    main()
