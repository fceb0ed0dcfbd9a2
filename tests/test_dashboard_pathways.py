"""Home-page lists and report figures that read pathways and housing (skipped where
pathways are not installed)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("models.pathways")
pytest.importorskip("tests.pathways_factories")

from blueprints.dashboard.figures import housing, pathway_figures  # noqa: E402
from blueprints.dashboard.figures.base import Scope  # noqa: E402
from blueprints.dashboard.period import Period, london_today  # noqa: E402
from models.housing import Placement  # noqa: E402
from models.pathways import Enrolment, PathwaySession  # noqa: E402
from tests.factories import make_person, make_referral  # noqa: E402
from tests.pathways_factories import make_programme, make_property, make_waiting  # noqa: E402

Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))


def enrolment(programme, team, enrolled_at, **fields):
    referral = make_referral(make_person(gender="woman", given_name="Wren",
                                         family_name=f"Enrolled{team.id}"), team)
    return Enrolment.create(programme=programme, person=referral.person_id, referral=referral,
                            team=team, enrolled_at=enrolled_at, **fields)


def test_coordinator_sees_the_housing_board_summary_for_their_team(client_as, team_a, team_b):
    _, units = make_property(team_a, units=("Flat 1", "Flat 2", "Flat 3", "Flat 4"))
    units[0].status = "occupied"
    units[0].save()
    units[1].status = "offered"
    units[1].save()
    make_waiting(team_a)
    make_waiting(team_a)
    make_property(team_b, units=("B1", "B2", "B3"), name="Elsewhere House")
    make_waiting(team_b)
    page = client_as("coordinator").get("/").get_data(as_text=True)
    summary = page.split('id="panel-housing"')[1].split("</section>")[0]
    rows = [line.strip() for line in summary.split("<dd") if "summary-list__value" in line]
    values = [r.split(">")[1].split("<")[0] for r in rows]
    assert values == ["2", "1", "1", "2"]  # vacant, offers pending, occupied, waiting
    assert "Housing board" not in client_as("practitioner").get("/").get_data(as_text=True)


def test_pathway_sessions_today_for_my_teams(client_as, team_a, team_b):
    sar = make_programme()
    today = london_today()
    mine = enrolment(sar, team_a, dt.datetime(2026, 1, 5))
    PathwaySession.create(enrolment=mine, planned_on=today, status="planned")
    tomorrow = enrolment(sar, team_a, dt.datetime(2026, 1, 5))
    PathwaySession.create(enrolment=tomorrow, planned_on=today + dt.timedelta(days=1))
    theirs = enrolment(sar, team_b, dt.datetime(2026, 1, 5))
    PathwaySession.create(enrolment=theirs, planned_on=today)
    page = client_as("practitioner").get("/").get_data(as_text=True)
    panel = page.split('id="panel-pathway-sessions"')[1].split("</section>")[0]
    assert panel.count("Wren Enrolled") == 1 and "Specified Activity Requirement" in panel
    assert f"Wren Enrolled{team_b.id}" not in panel
    assert "Pathway sessions today" in client_as("coordinator").get("/").get_data(as_text=True)


def test_pathway_completions_count_the_period_in_london_time(app, team_a, team_b, users):
    sar = make_programme()
    start = dt.datetime(2026, 3, 31, 23, 30)  # 00:30 BST on 1 April: in Q2
    made = [enrolment(sar, team_a, start + dt.timedelta(days=n)) for n in range(6)]
    enrolment(sar, team_a, dt.datetime(2026, 3, 31, 22, 30))  # 23:30 BST 31 March: Q1
    enrolment(sar, team_b, start)  # another team's
    for e in made[:5]:
        e.status, e.discharged_at = "discharged", dt.datetime(2026, 6, 1, 12)
        e.save()
    for n in range(7):
        PathwaySession.create(enrolment=made[0], planned_on=dt.date(2026, 4, 1) + dt.timedelta(days=n),
                              status="attended")
    PathwaySession.create(enrolment=made[0], planned_on=dt.date(2026, 7, 1), status="attended")
    PathwaySession.create(enrolment=made[1], planned_on=dt.date(2026, 5, 1), status="did_not_attend")
    figure = pathway_figures.completions(Scope(Q2, (team_a.id,)))
    assert figure.labels == ["Specified Activity Requirement (SAR)"]
    assert [s.cells[0].text for s in figure.series] == ["6", "7", "5"]


def test_housing_occupancy_against_the_previous_quarter(app, team_a, team_b):
    _, units = make_property(team_a, units=("Flat 1", "Flat 2"))
    Placement.create(unit=units[0], person=make_person(gender="woman"),
                     offered_at=dt.datetime(2026, 2, 20), moved_in_on=dt.date(2026, 3, 1))
    _, theirs = make_property(team_b, units=("B1",), name="Elsewhere House")
    Placement.create(unit=theirs[0], person=make_person(gender="woman"),
                     offered_at=dt.datetime(2026, 1, 1), moved_in_on=dt.date(2026, 1, 2))
    figure = housing.occupancy(Scope(Q2, (team_a.id,)))
    rows = {label: [c.text for c in cells] for label, cells in figure.rows}
    # Q2: one of two units for all 91 nights; Q1: 31 of 180 unit-nights (from 1 March).
    assert rows["Occupancy"] == ["50.0%", "17.2%"]
    assert rows["Average stay of women who moved on"] == ["–", "–"]


def test_reports_page_shows_the_pathway_and_housing_figures(client_as, team_a):
    page = client_as("manager").get("/reports").get_data(as_text=True)
    assert "Pathway enrolments and completions" in page and "Housing placements" in page
