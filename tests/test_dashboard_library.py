"""The trainer's home page: sessions coming up, guides downloaded, share-link use
(skipped where the library is not installed)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("models.library")
pytest.importorskip("tests.library_data")

from blueprints.dashboard.period import london_today  # noqa: E402
from models.audit import AuditEvent  # noqa: E402
from models.library import GuideVersion, TrainingSession  # noqa: E402
from tests.library_data import make_guide, make_link, make_session  # noqa: E402


def panel(page: str, key: str) -> str:
    return page.split(f'id="panel-{key}"')[1].split("</section>")[0]


def test_trainer_sees_their_teams_sessions_from_today(client_as, users, team_a, team_b):
    trainer = users["trainer"]
    for title, days, team in (("Coming up", 3, team_a), ("Today's session", 0, team_a),
                              ("Last week", -7, team_a), ("Other team", 3, team_b)):
        session = make_session(trainer, team, title=title, attendees=())
        TrainingSession.update(date=london_today() + dt.timedelta(days=days)).where(
            TrainingSession.id == session.id).execute()
    page = client_as("trainer").get("/").get_data(as_text=True)
    upcoming = panel(page, "training")
    assert upcoming.index("Today&#39;s session") < upcoming.index("Coming up")
    assert "Last week" not in upcoming and "Other team" not in upcoming
    assert 'id="panel-training"' not in client_as("practitioner").get("/").get_data(as_text=True)


def test_trainer_sees_guides_downloaded_in_the_last_30_days(client_as, users):
    trainer = users["trainer"]
    popular = make_guide(trainer, title="Common sense approach")
    quiet = make_guide(trainer, title="Old guide")
    GuideVersion.update(download_count=40).where(GuideVersion.guide == popular.id).execute()
    for _ in range(3):
        AuditEvent.record("library.guide_downloaded", actor=trainer, object_type="guide",
                          object_id=str(popular.id), person_id=None, team_id=None, ip="t",
                          detail="")
    page = client_as("trainer").get("/").get_data(as_text=True)
    downloads = panel(page, "downloads")
    assert "Common sense approach" in downloads and "Old guide" not in downloads
    assert ">3<" in downloads and ">40<" in downloads
    assert quiet.title not in downloads


def test_trainer_sees_how_their_share_links_are_used(client_as, users):
    trainer = users["trainer"]
    version = GuideVersion.get(GuideVersion.guide == make_guide(trainer).id)
    active, _ = make_link(trainer, version=version, max_uses=10)
    active.note, active.use_count = "For Islington Police", 2
    active.save()
    revoked, _ = make_link(trainer, version=version, revoked=True)
    revoked.note = "Revoked unused link"
    revoked.save()
    other, _ = make_link(users["manager"], version=version)
    other.note = "Someone else's"
    other.save()
    AuditEvent.record("library.share_downloaded", actor=None, object_type="share_link",
                      object_id=str(active.id), person_id=None, team_id=None, ip="x", detail="")
    page = client_as("trainer").get("/").get_data(as_text=True)
    links = panel(page, "share-links")
    assert "For Islington Police" in links and "used 2 of 10 times, 1 in the last 7 days" in links
    assert "Revoked unused link" not in links and "Someone else" not in links
