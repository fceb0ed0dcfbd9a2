"""The court list: a manager makes the chosen letter for everyone a team has listed on a
day, each kept on its case, and downloads them as one zip; progress is polled."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from blueprints.letters import court_list
from blueprints.letters.generate import london_today
from models.audit import AuditEvent
from models.letters import GeneratedDocument, LetterBatch
from models.timeline import TimelineEvent
from tests.factories import make_hearing, make_person, make_referral
from tests.letters_support import docx_text, installed, needs_source  # noqa: F401


@pytest.fixture
def inline_jobs(app):
    app.config["LETTERS_BATCH_INLINE"] = True


@pytest.fixture
def listed_today(app, team_a, team_b):
    today = london_today()
    people = []
    for n, (given, family) in enumerate([("Ann", "Ash"), ("Ben", "Birch"), ("Cat", "Cedar")]):
        referral = make_referral(make_person(given_name=given, family_name=family), team_a)
        make_hearing(referral, date=today, time=dt.time(9 + n, 30))
        people.append(referral)
    # Not listed: another day, and another team.
    make_hearing(make_referral(make_person(given_name="Tomorrow"), team_a),
                 date=today + dt.timedelta(days=1))
    make_hearing(make_referral(make_person(given_name="Elsewhere"), team_b), date=today)
    make_hearing(make_referral(make_person(given_name="Vacated"), team_a), date=today,
                 vacated_at=dt.datetime(2026, 1, 1), vacated_reason="Withdrawn")
    return today, people


def start(client, team, letter_template, day):
    return client.post_form("/letters/court-list", {"team": str(team.id),
                                                    "template": str(letter_template.id),
                                                    "day": day.isoformat()})


def test_the_page_shows_who_is_listed(client_as, installed, listed_today, team_a):
    day, _ = listed_today
    page = client_as("manager").get(
        f"/letters/court-list?team={team_a.id}&template={installed['court_report'].id}"
        f"&day={day.isoformat()}").get_data(as_text=True)
    assert "Listed: 3 people" in page
    assert page.index("Ann Ash") < page.index("Ben Birch") < page.index("Cat Cedar")
    assert "Tomorrow" not in page and "Elsewhere" not in page and "Vacated" not in page
    assert "Make 3 letters" in page


def test_a_manager_makes_every_letter_in_one_zip(client_as, installed, listed_today, team_a,
                                                 inline_jobs, needs_source, users):
    day, referrals = listed_today
    client = client_as("manager")
    response = start(client, team_a, installed["court_report"], day)
    assert response.status_code == 303
    batch = LetterBatch.get()
    assert response.headers["Location"].endswith(f"/letters/court-list/jobs/{batch.id}")
    assert (batch.status, batch.done, batch.total) == ("done", 3, 3)
    documents = list(GeneratedDocument.select().order_by(GeneratedDocument.id))
    assert sorted(d.referral_id for d in documents) == sorted(r.id for r in referrals)
    assert all(d.batch_id == batch.id and d.author_id == users["manager"].id for d in documents)
    assert TimelineEvent.select().where(TimelineEvent.kind == "letter").count() == 3
    page = client.get(f"/letters/court-list/jobs/{batch.id}").get_data(as_text=True)
    assert "All 3 letters are made" in page and "hx-get" not in page
    download = client.get(f"/letters/court-list/jobs/{batch.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="Court list')
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        assert len(names) == 3 and names[0].startswith("01 Ann Ash - Report to the court")
        text = docx_text(archive.read(names[1]))
    assert "Ben Birch" in text and "Hearing voices since the summer" in text
    assert AuditEvent.select().where(
        AuditEvent.action == "letters.court_list_downloaded").count() == 1


def test_progress_is_polled_while_the_job_runs(client_as, installed, listed_today, team_a,
                                               users):
    day, _ = listed_today
    version = installed["court_report"].latest_version()
    batch = LetterBatch.create(team=team_a, template_version=version, hearing_date=day,
                               requested_by=users["manager"], total=3, done=1,
                               status="running")
    client = client_as("manager")
    page = client.get(f"/letters/court-list/jobs/{batch.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and "1 of 3 done" in page
    fragment = client.hx_get(f"/letters/court-list/jobs/{batch.id}").get_data(as_text=True)
    assert fragment.strip().startswith('<div id="batch-progress"') and "<html" not in fragment
    assert client.get(f"/letters/court-list/jobs/{batch.id}/download").status_code == 404


def test_the_job_runs_in_a_background_thread(app, client_as, installed, listed_today, team_a):
    import threading
    day, _ = listed_today
    before = set(threading.enumerate())
    start(client_as("manager"), team_a, installed["court_report"], day)
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("court-list-"):
            thread.join(timeout=60)
    batch = LetterBatch.get()
    assert (batch.status, batch.done) == ("done", 3)


def test_a_failed_letter_stops_the_job_with_a_message(client_as, installed, listed_today,
                                                      team_a, inline_jobs, monkeypatch):
    day, _ = listed_today
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("template went missing")
        return real(*args, **kwargs)

    real = court_list.write_letter
    monkeypatch.setattr(court_list, "write_letter", broken)
    start(client_as("manager"), team_a, installed["court_report"], day)
    batch = LetterBatch.get()
    assert (batch.status, batch.done) == ("failed", 1)
    page = client_as("manager").get(f"/letters/court-list/jobs/{batch.id}").get_data(as_text=True)
    assert "The court list stopped" in page and "1 of 3 letters were made" in page


def test_no_one_listed_says_so_and_starts_nothing(client_as, installed, team_a, inline_jobs):
    response = start(client_as("manager"), team_a, installed["court_report"], dt.date(2030, 1, 1))
    assert "No one is listed for that team on that day." in response.get_data(as_text=True)
    assert LetterBatch.select().count() == 0


def test_another_team_s_list_and_jobs_are_404(app, client_as, installed, listed_today, team_a,
                                              team_b, inline_jobs):
    day, _ = listed_today
    client = client_as("manager")
    response = start(client, team_b, installed["court_report"], day)
    assert "Choose one of your teams" in response.get_data(as_text=True)
    assert LetterBatch.select().count() == 0
    start(client, team_a, installed["court_report"], day)
    batch = LetterBatch.get()
    from tests.factories import make_user
    outsider = app.test_client().sign_in(make_user("manager", [team_b]))
    assert outsider.get(f"/letters/court-list/jobs/{batch.id}").status_code == 404
    assert outsider.get(f"/letters/court-list/jobs/{batch.id}/download").status_code == 404


@pytest.mark.parametrize("fields, message", [
    ({"day": "2026-02-30"}, "Enter the hearing date as a real date"),
    ({"template": "x"}, "Choose a letter from the list"),
    ({"team": "'; DROP TABLE team; --"}, "Choose one of your teams"),
])
def test_bad_court_list_choices_are_refused(client_as, installed, team_a, inline_jobs,
                                            fields, message):
    data = {"team": str(team_a.id), "template": str(installed["court_report"].id),
            "day": "2026-11-23"}
    data.update(fields)
    page = client_as("manager").post_form("/letters/court-list", data).get_data(as_text=True)
    assert message in page
    assert LetterBatch.select().count() == 0


def test_practitioners_cannot_run_the_court_list(client_as):
    assert client_as("practitioner").get("/letters/court-list").status_code == 403
