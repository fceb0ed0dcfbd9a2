"""Figures and home-page lists that read case work's needs assessments and follow-ups
(skipped where case work is not installed)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("models.needs")
pytest.importorskip("models.follow_ups")

from blueprints.dashboard.figures import assessment, needs  # noqa: E402
from blueprints.dashboard.figures.base import Scope  # noqa: E402
from blueprints.dashboard.period import Period, london_today  # noqa: E402
from models.follow_ups import FollowUp  # noqa: E402
from models.needs import NEED_DOMAINS, NeedRating, NeedsAssessment  # noqa: E402
from tests.factories import make_person, make_referral  # noqa: E402

Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))


def assess(referral, user, at, levels: dict[str, str]):
    """An assessment at `at` (UTC) rating the given domains; every other domain 'none'."""
    made = NeedsAssessment.create(referral=referral, person=referral.person_id,
                                  team=referral.team_id, assessed_by=user, assessed_at=at)
    for domain in NEED_DOMAINS:
        NeedRating.create(assessment=made, domain=domain, level=levels.get(domain, "none"))
    return made


def test_needs_prevalence_counts_people_assessed_in_the_period(app, users, team_a, team_b):
    me = users["practitioner"]
    in_q2 = dt.datetime(2026, 5, 1, 10)
    # Six people with a mental health need (two high), five with housing, one with alcohol.
    for n in range(6):
        levels = {"mental_health": "high" if n < 2 else "medium"}
        if n < 5:
            levels["housing"] = "low"
        if n == 0:
            levels["alcohol"] = "high"
        referral = make_referral(make_person(), team_a, received_at=in_q2)
        assess(referral, me, in_q2, levels)
        if n == 0:  # reassessed: still one person
            assess(referral, me, in_q2 + dt.timedelta(days=3), levels)
    # Four people with no needs, so ten people were assessed.
    for _ in range(4):
        assess(make_referral(make_person(), team_a, received_at=in_q2), me, in_q2, {})
    # 00:30 BST on 1 July is Q3; team B is not the manager's.
    late = make_referral(make_person(), team_a)
    assess(late, me, dt.datetime(2026, 6, 30, 23, 30), {"mental_health": "high"})
    other = make_referral(make_person(), team_b)
    assess(other, users["manager"], in_q2, {"mental_health": "high"})

    figure = needs.prevalence(Scope(Q2, (team_a.id,)))
    rows = {label: [c.text for c in cells] for label, cells in figure.rows}
    assert rows["Mental health"] == ["6", "60.0%", "fewer than 5"]
    assert rows["Housing"] == ["5", "50.0%", "0"]
    assert rows["Substance misuse: alcohol"] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    assert rows["Trauma"] == ["0", "0.0%", "0"]
    assert figure.notes == ["People assessed in the period: 10."]


def test_time_to_assessment_buckets_each_referral_by_its_first_assessment(app, users, team_a):
    me = users["practitioner"]
    received = dt.datetime(2026, 5, 4, 8, 0)
    hours = [1, 2, 3, 3.5, 3.9,      # five within 4 hours
             5, 30, 30, 200]         # one 4-24h, two 1-3 days, one over 7 days
    for h in hours:
        referral = make_referral(make_person(), team_a, received_at=received)
        assess(referral, me, received + dt.timedelta(hours=h), {})
        assess(referral, me, received + dt.timedelta(hours=h + 500), {})  # later: ignored
    for _ in range(5):
        make_referral(make_person(), team_a, received_at=received)  # not assessed yet
    figure = assessment.time_to_assessment(Scope(Q2, (team_a.id,)))
    assert dict((label, cells[0].text) for label, cells in figure.rows) == {
        "Within 4 hours": "5", "4 to 24 hours": "fewer than 5", "1 to 3 days": "fewer than 5",
        "3 to 7 days": "0", "More than 7 days": "fewer than 5", "Not assessed yet": "5"}
    average = sum(hours) / len(hours) / 24
    assert figure.notes == [f"Average time to the first assessment: {average:.1f} days."]


def test_reports_page_shows_the_case_work_figures(client_as, users, team_a):
    page = client_as("manager").get("/reports").get_data(as_text=True)
    assert "Needs of the people assessed" in page and "Time from referral to assessment" in page


def test_follow_ups_overdue_and_due_this_week_are_on_my_home_page(client_as, users, team_a):
    me = users["practitioner"]
    referral = make_referral(make_person(given_name="Fola", family_name="Upton"), team_a)
    today = london_today()

    def follow_up(what, due, who=me, done=False):
        FollowUp.create(referral=referral, person=referral.person_id, team=team_a, what=what,
                        due_date=due, assigned_to=who, created_by=me,
                        done_at=dt.datetime(2026, 1, 1) if done else None)

    follow_up("Ring the housing officer", today - dt.timedelta(days=2))
    follow_up("Check GP registration", today)
    follow_up("Already done", today - dt.timedelta(days=1), done=True)
    follow_up("Someone else's", today, who=users["manager"])
    follow_up("Next month", today + dt.timedelta(days=40))
    page = client_as("practitioner").get("/").get_data(as_text=True)
    overdue, _, this_week = page.partition("Due this week")
    assert "Overdue (1)" in overdue and "Ring the housing officer" in overdue
    assert "Check GP registration" in this_week
    assert "Already done" not in page and "Someone else" not in page and "Next month" not in page
    fragment = client_as("practitioner").hx_get("/my-day/follow-ups").get_data(as_text=True)
    assert fragment.lstrip().startswith("<section") and "Fola Upton" in fragment


def test_a_coordinator_s_follow_ups_are_on_their_home_page(client_as, users, team_a):
    """Anyone in the team can be given a follow-up, the housing coordinator included."""
    referral = make_referral(make_person(given_name="Fola", family_name="Upton"), team_a)
    FollowUp.create(referral=referral, person=referral.person_id, team=team_a,
                    what="Find a bed space", due_date=london_today() - dt.timedelta(days=1),
                    assigned_to=users["coordinator"], created_by=users["practitioner"])
    page = client_as("coordinator").get("/").get_data(as_text=True)
    assert "Follow-ups due" in page and "Overdue (1)" in page and "Find a bed space" in page
    assert "Find a bed space" not in client_as("practitioner").get("/").get_data(as_text=True)
    assert "Follow-ups due" not in client_as("trainer").get("/").get_data(as_text=True)


def test_one_small_assessment_bucket_takes_a_second_one_with_it(app, users, team_a):
    received = dt.datetime(2026, 5, 4, 8, 0)
    for h in [1] * 5 + [30] * 6:
        referral = make_referral(make_person(), team_a, received_at=received)
        assess(referral, users["practitioner"], received + dt.timedelta(hours=h), {})
    for _ in range(2):
        make_referral(make_person(), team_a, received_at=received)
    figure = assessment.time_to_assessment(Scope(Q2, (team_a.id,)))
    shown = {label: cells[0].text for label, cells in figure.rows}
    assert shown["Not assessed yet"] == "fewer than 5"
    assert shown["Within 4 hours"] == "withheld" and shown["1 to 3 days"] == "6"


def test_a_long_follow_up_list_shows_the_oldest_twenty_and_counts_them_all(
        client_as, users, team_a, team_b):
    me = users["practitioner"]
    referral = make_referral(make_person(given_name="Lena", family_name="Marsh"), team_a)
    elsewhere = make_referral(make_person(given_name="Hidden", family_name="Away"), team_b)
    today = london_today()
    for n in range(25):
        FollowUp.create(referral=referral, person=referral.person_id, team=team_a,
                        what=f"Overdue task {n:02d}", due_date=today - dt.timedelta(days=30 - n),
                        assigned_to=me, created_by=me)
    # Mine, but on a referral my teams can no longer see: neither listed nor counted.
    FollowUp.create(referral=elsewhere, person=elsewhere.person_id, team=team_b,
                    what="Not mine to see", due_date=today - dt.timedelta(days=40),
                    assigned_to=me, created_by=me)
    page = client_as("practitioner").get("/").get_data(as_text=True)
    assert "Overdue (25)" in page
    listed = [n for n in range(25) if f"Overdue task {n:02d}" in page]
    assert listed == list(range(20))  # the oldest twenty, oldest first
    assert page.index("Overdue task 00") < page.index("Overdue task 19")
    assert "Not mine to see" not in page and "Hidden Away" not in page
