"""Library benchmark data and an in-process memory check of a 10 MB download.

    .venv/bin/python -m bench.run --only library     # search fragment and 10 MB download
    .venv/bin/python -m bench.library                 # memory while streaming 10 MB

The 10 MB guide is the first guide made on the fresh bench database, so its version is 1.
"""
from __future__ import annotations

import random

from models.base import utcnow, writing

TOPIC_WORDS = ["mental health", "dual diagnosis", "personality disorder", "women", "trauma",
               "learning disability", "substance misuse", "self-harm", "custody", "court"]
LARGE_GUIDE_BYTES = 10 * 1024 * 1024


def large_pdf(size: int = LARGE_GUIDE_BYTES) -> bytes:
    """A valid one-page PDF of about `size` bytes (incompressible padding object)."""
    from tests.fixtures_uploads import large_pdf_bytes
    return large_pdf_bytes(size)


def generate_library(ctx, scale: int) -> None:
    """One 10 MB guide, 300 x scale small guides with two versions each, 50 sheets."""
    from models.files import store
    from models.library import AUDIENCES, TOPICS, Guide, GuideVersion, QuickSheet, join_keys
    from tests.fixtures_uploads import pdf_bytes

    trainer = ctx.users["trainer"]
    rng = random.Random(11)
    topics, audiences = list(TOPICS), list(AUDIENCES)
    with writing():
        big = Guide.create(title="Bench large guide", summary="Ten megabytes", topics="|trauma|",
                           audiences="|courts|", created_by=trainer)
        GuideVersion.create(guide=big, label="v1", file=store(large_pdf(), "application/pdf", "pdf"),
                            kind="pdf", pages=1, uploaded_by=trainer)
        small = store(pdf_bytes(["bench"]), "application/pdf", "pdf")
        for n in range(300 * scale):
            words = rng.sample(TOPIC_WORDS, 3)
            guide = Guide.create(
                title=f"{ctx.fake.catch_phrase()}: {words[0]} ({n})",
                summary=f"Guidance on {words[1]} and {words[2]}. " + ctx.fake.sentence(12),
                topics=join_keys(rng.sample(topics, 2)), audiences=join_keys(rng.sample(audiences, 2)),
                created_by=trainer)
            for label in ("v1", "v2"):
                GuideVersion.create(guide=guide, label=label, file=small, kind="pdf", pages=1,
                                    uploaded_by=trainer, uploaded_at=utcnow(),
                                    download_count=rng.randint(0, 50))
        for n in range(50):
            words = rng.sample(TOPIC_WORDS, 2)
            QuickSheet.create(title=f"Quick reference {n}: {words[0]}", summary=words[1],
                              body="\n".join(f"- {ctx.fake.sentence(10)}" for _ in range(30)),
                              topics=join_keys(rng.sample(topics, 2)),
                              audiences=join_keys(rng.sample(audiences, 2)),
                              created_by=trainer, updated_by=trainer)


SCENARIOS = [
    ("library page", "/library/", "practitioner"),
    ("library search fragment", "/library/?q=mental+health&audience=courts", "practitioner",
     {"HX-Request": "true"}),
    ("library 10 MB guide download", "/library/versions/1/download", "practitioner"),
]


def measure_download_memory() -> None:
    """Peak Python memory while a 10 MB guide is downloaded through the app (streamed),
    against reading the same file whole."""
    import tempfile
    import tracemalloc

    from app import create_app
    from models.base import db
    from models.files import StoredFile, read_bytes, store
    from models.schema import upgrade
    from tests.factories import make_user

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/mem.db", "TESTING": True,
                          "SECRET_KEY": "m" * 40})
        with db.connection_context():
            upgrade(db.obj)
        db.connect(reuse_if_open=True)
        from models.library import Guide, GuideVersion
        user = make_user("practitioner")
        data = large_pdf()
        guide = Guide.create(title="Memory", created_by=user)
        version = GuideVersion.create(guide=guide, label="v1", kind="pdf", uploaded_by=user,
                                      file=store(data, "application/pdf", "pdf"))
        size = len(data)
        del data
        client = app.test_client()
        with client.session_transaction() as sess:
            import time
            sess.update({"_user_id": user.alt_id, "_fresh": True, "auth_at": int(time.time()),
                         "seen_at": int(time.time())})
        tracemalloc.start()
        response = client.get(f"/library/versions/{version.id}/download", buffered=False)
        received = sum(len(chunk) for chunk in response.response)
        response.close()
        streamed_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        whole = read_bytes(StoredFile.get_by_id(version.file_id))
        whole_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del whole
        db.close()
    print(f"file {size / 1048576:.1f} MB, received {received / 1048576:.1f} MB")
    print(f"peak Python memory while streaming the download: {streamed_peak / 1048576:.1f} MB")
    print(f"peak Python memory reading the file whole:       {whole_peak / 1048576:.1f} MB")


if __name__ == "__main__":
    measure_download_memory()
