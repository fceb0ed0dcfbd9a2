"""The court list: one letter for every referral of a team with a hearing on a day, made
in one go and handed back as a zip.

A job row (LetterBatch) records progress, so the page can poll it. The work runs in a
background thread in the app (`LETTERS_BATCH_INLINE` runs it in the request instead: the
tests do, and so can a small installation); `run_batch(id)` is a plain function either way.
"""
from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile

from flask import current_app

from models.base import db, utcnow, writing
from models.files import read_bytes, store
from models.letters import LetterBatch
from models.people import Hearing, Person, Referral

from . import catalogue
from .generate import document_file_name, write_letter

ZIP_TYPE = "application/zip"
# A job that has shown no progress for this long was cut off (the server restarted).
STALE_AFTER = dt.timedelta(minutes=15)


def listed(team_id: int, day: dt.date) -> list[Hearing]:
    """The day's hearings (not vacated) for referrals the team holds, by time; one per
    referral."""
    hearings = (Hearing.select(Hearing, Referral, Person)
                .join(Referral).join(Person)
                .where((Hearing.date == day) & (Referral.team == team_id) & Hearing.listed())
                .order_by(Hearing.time.asc(nulls="LAST"), Person.family_name, Hearing.id))
    seen, result = set(), []
    for hearing in hearings:
        if hearing.referral_id not in seen:
            seen.add(hearing.referral_id)
            result.append(hearing)
    return result


def start_batch(team, version, day: dt.date, user) -> LetterBatch:
    """Record a court-list job (the caller audits it in the same writing())."""
    return LetterBatch.create(team=team, template_version=version, hearing_date=day,
                              requested_by=user, total=len(listed(team.id, day)))


def run_batch(batch_id: int) -> None:
    """Make every letter of the job, keep each on its case, then store the zip."""
    batch = LetterBatch.get_by_id(batch_id)
    LetterBatch.update(status="running").where(LetterBatch.id == batch_id).execute()
    version, author = batch.template_version, batch.requested_by
    try:
        entries = []
        hearings = listed(batch.team_id, batch.hearing_date)
        for n, hearing in enumerate(hearings, start=1):
            referral = hearing.referral
            with writing():
                document = write_letter(referral, version, author,
                                        catalogue.prefill_for(referral), batch=batch,
                                        hearing=hearing)
            entries.append((f"{n:02d} {document.file_name}", document.file))
            LetterBatch.update(done=n, total=max(batch.total, len(hearings))).where(
                LetterBatch.id == batch_id).execute()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, stored in entries:
                archive.writestr(name, read_bytes(stored))
        with writing():
            stored = store(out.getvalue(), ZIP_TYPE, "zip")
            LetterBatch.update(status="done", file=stored, finished_at=utcnow(),
                               total=len(entries), done=len(entries)).where(
                LetterBatch.id == batch_id).execute()
    except Exception as exc:  # record the failure for the page, then let the log have it
        LetterBatch.update(status="failed", finished_at=utcnow(),
                           error=f"Stopped after a problem: {type(exc).__name__}"[:300]).where(
            LetterBatch.id == batch_id).execute()
        current_app.logger.exception("court list job %s failed", batch_id)


def launch(batch_id: int) -> None:
    """Run the job now (inline) or in a background thread with its own app context."""
    app = current_app._get_current_object()
    if app.config.get("LETTERS_BATCH_INLINE"):
        run_batch(batch_id)
        return

    def work():
        with app.app_context():
            with db.connection_context():
                run_batch(batch_id)

    threading.Thread(target=work, name=f"court-list-{batch_id}", daemon=True).start()


def zip_name(batch: LetterBatch) -> str:
    label = document_file_name(batch.team.name, batch.template_version.template.purpose,
                               batch.hearing_date, "zip")
    return f"Court list {label}"


def is_stale(batch: LetterBatch) -> bool:
    return batch.status in ("queued", "running") and utcnow() - batch.created_at > STALE_AFTER
