"""Monitoring reports: every figure against hand-counted referrals, the period's London
boundaries (BST and GMT), team separation, small-number suppression, CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from blueprints.dashboard.csv_export import figure_csv, neutralise
from blueprints.dashboard.figures import people, referrals
from blueprints.dashboard.figures import outcomes as outcome_figures
from blueprints.dashboard.figures.base import Scope
from blueprints.dashboard.period import Period, london_midnight_utc
from models.audit import AuditEvent
from tests.factories import make_person, make_referral

Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))  # April to June 2026, all in BST
Q2_ARGS = {"start": "2026-04-01", "end": "2026-07-01"}


def utc(*parts) -> dt.datetime:
    return dt.datetime(*parts)


@pytest.fixture
def caseload(app, team_a, team_b):
    """Referrals hand-placed around Q2 2026 (instants are UTC; London is UTC+1 in BST).

    Team A in Q2: police custody proactive 6 (person p1 twice), police custody reactive 2,
    magistrates' court reactive 5: 13 referrals, 12 people; 6 women, 6 men.
    By month: April 5, May 3, June 5 (p1's first referral at 00:30 BST on 1 April is in
    April; p5's at 00:30 BST on 1 June is in June).
    """
    def person(gender, ethnicity):
        return make_person(gender=gender, ethnicity=ethnicity)

    p = {1: person("woman", "white_british"), 2: person("woman", "white_british"),
         3: person("woman", "white_british"), 4: person("woman", "white_irish"),
         5: person("woman", "black_african"), 6: person("woman", "black_african"),
         7: person("man", "white_other"), 8: person("man", "black_caribbean"),
         9: person("man", "black_caribbean"), 10: person("man", "black_other"),
         11: person("man", "asian_indian"), 12: person("man", "not_stated")}

    def ref(n, at, source="police_custody", route="proactive", team=team_a, **kw):
        return make_referral(p[n] if isinstance(n, int) else n, team, received_at=at,
                             source=source, screening_route=route, **kw)

    made = {
        "p1_boundary": ref(1, utc(2026, 3, 31, 23, 30)),  # 00:30 BST 1 April: in
        "p1_again": ref(1, utc(2026, 5, 10, 10, 0)),
        "p2": ref(2, utc(2026, 4, 15, 9, 0)),
        "p3": ref(3, utc(2026, 4, 20, 9, 0)),
        "p4": ref(4, utc(2026, 5, 2, 9, 0)),
        "p5": ref(5, utc(2026, 5, 31, 23, 30)),  # 00:30 BST 1 June: June
        "p6": ref(6, utc(2026, 6, 5, 9, 0), route="reactive"),
        "p7": ref(7, utc(2026, 6, 10, 9, 0), route="reactive"),
        "p8": ref(8, utc(2026, 4, 3, 9, 0), "magistrates_court", "reactive"),
        "p9": ref(9, utc(2026, 4, 4, 9, 0), "magistrates_court", "reactive"),
        "p10": ref(10, utc(2026, 5, 20, 9, 0), "magistrates_court", "reactive"),
        "p11": ref(11, utc(2026, 6, 20, 9, 0), "magistrates_court", "reactive"),
        "p12": ref(12, utc(2026, 6, 30, 22, 59, 59), "magistrates_court", "reactive"),  # 23:59:59 BST
    }
    # Outside Q2 for team A: 23:59 BST on 31 March (Q1) and midnight BST on 1 July (Q3).
    before = person("woman", "white_british")
    ref(before, utc(2026, 3, 31, 22, 59))
    ref(person("man", "white_british"), utc(2026, 6, 30, 23, 0))
    # Q1 for comparison: 4 more men, so Q1 saw 5 people (1 woman, 4 men).
    for day in (2, 3, 4, 5):
        ref(person("man", "white_british"), utc(2026, 2, day, 12, 0))
    # Team B in Q2, which team A's manager must never count.
    for _ in range(3):
        ref(person("woman", "asian_indian"), utc(2026, 5, 5, 12, 0), "magistrates_court",
            "reactive", team=team_b, status="closed", outcome="diverted",
            closed_at=utc(2026, 5, 6, 12, 0))
    return made


def close(referral, outcome, at):
    referral.status, referral.outcome, referral.closed_at = "closed", outcome, at
    referral.save()


def team_a_q2(team_a) -> Scope:
    return Scope(Q2, (team_a.id,))


def by_label(figure, series=0) -> dict[str, str]:
    return {label: cells[series].text for label, cells in figure.rows}


def test_london_dates_become_utc_instants_in_bst_and_gmt():
    assert london_midnight_utc(dt.date(2026, 1, 1)) == utc(2026, 1, 1, 0, 0)    # GMT
    assert london_midnight_utc(dt.date(2026, 4, 1)) == utc(2026, 3, 31, 23, 0)  # BST
    # The clocks went forward on 29 March 2026 and go back on 25 October 2026.
    assert london_midnight_utc(dt.date(2026, 3, 29)) == utc(2026, 3, 29, 0, 0)
    assert london_midnight_utc(dt.date(2026, 3, 30)) == utc(2026, 3, 29, 23, 0)
    assert london_midnight_utc(dt.date(2026, 10, 26)) == utc(2026, 10, 26, 0, 0)
    q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert (q1.start_utc, q1.end_utc) == (utc(2026, 1, 1), utc(2026, 3, 31, 23, 0))
    assert Q2.previous() == q1
    assert Period(dt.date(2026, 5, 10), dt.date(2026, 5, 17)).previous() == \
        Period(dt.date(2026, 5, 3), dt.date(2026, 5, 10))


def test_referrals_by_source_and_route_count_start_inclusive_end_exclusive(caseload, team_a):
    figure = referrals.by_source(team_a_q2(team_a))
    assert figure.labels == ["Police custody", "Magistrates' court"]
    assert by_label(figure, 0) == {"Police custody": "6", "Magistrates' court": "0"}
    # 2 reactive police custody referrals: suppressed, not 2.
    assert by_label(figure, 1) == {"Police custody": "fewer than 5", "Magistrates' court": "5"}
    # 8 in all would give the 2 away (8 - 6): the total is withheld.
    assert by_label(figure, 2) == {"Police custody": "withheld", "Magistrates' court": "5"}
    assert figure.series[1].cells[0].value is None and figure.has_suppressed


def test_referrals_over_time_put_half_past_midnight_bst_in_the_new_month(caseload, team_a):
    figure = referrals.trend(team_a_q2(team_a))
    assert figure.labels == ["Apr 2026", "May 2026", "Jun 2026"]
    assert [c.text for c in figure.series[0].cells] == ["5", "fewer than 5", "5"]


def test_short_periods_are_counted_by_week(caseload, team_a):
    scope = Scope(Period(dt.date(2026, 4, 1), dt.date(2026, 4, 22)), (team_a.id,))
    figure = referrals.trend(scope)
    assert figure.labels == ["w/c 1 Apr", "w/c 8 Apr", "w/c 15 Apr"]
    # p1 (00:30 BST 1 Apr), p8, p9 in the first week; p2, p3 in the third.
    assert [c.text for c in figure.series[0].cells] == ["fewer than 5", "0", "fewer than 5"]


def test_people_seen_counts_each_person_once(caseload, team_a):
    figure = people.seen(team_a_q2(team_a))
    assert figure.labels == ["Team A"]
    assert figure.series[0].cells[0].text == "12"
    assert "Previous period (1 Jan 2026 – 31 Mar 2026): 5 people." in figure.notes


def test_women_compared_with_the_previous_period(caseload, team_a):
    figure = people.gender(team_a_q2(team_a))
    rows = dict(figure.rows)
    women, men = rows["Woman (including trans woman)"], rows["Man (including trans man)"]
    assert [c.text for c in women] == ["6", "50.0%", "fewer than 5", "fewer than 5"]
    assert [c.text for c in men] == ["6", "50.0%", "fewer than 5", "fewer than 5"]
    assert [c.text for c in rows["Non-binary"]] == ["0", "0.0%", "0", "0.0%"]


def test_ethnicity_is_grouped_by_ons_group(caseload, team_a):
    figure = people.ethnicity(team_a_q2(team_a))
    rows = {label: [c.text for c in cells] for label, cells in figure.rows}
    assert rows["White"][:2] == ["5", "41.7%"]
    assert rows["Black, Black British, Black Welsh, Caribbean or African"][:2] == ["5", "41.7%"]
    assert rows["Asian, Asian British or Asian Welsh"][:2] == ["fewer than 5", "fewer than 5"]
    assert rows["Not stated"][:2] == ["fewer than 5", "fewer than 5"]
    assert rows["Mixed or Multiple ethnic groups"][:2] == ["0", "0.0%"]
    # Q1: five white British people.
    assert rows["White"][2:] == ["5", "100.0%"]


def test_outcomes_count_referrals_closed_in_the_period(caseload, team_a):
    for key in ("p2", "p3", "p4", "p8"):
        close(caseload[key], "diverted", utc(2026, 6, 1, 12, 0))
    close(caseload["p9"], "diverted", utc(2026, 3, 31, 23, 30))   # 00:30 BST 1 April: in
    close(caseload["p10"], "community_order_mhtr", utc(2026, 6, 2, 12, 0))
    close(caseload["p11"], "community_order_mhtr", utc(2026, 6, 3, 12, 0))
    close(caseload["p12"], "remand", utc(2026, 6, 30, 23, 30))     # 00:30 BST 1 July: out
    figure = outcome_figures.outcomes(team_a_q2(team_a))
    assert by_label(figure) == {"Diverted to community services": "5",
                                "Community order with MHTR": "fewer than 5"}


def test_one_small_group_beside_a_published_total_takes_a_second_one_with_it(app, team_a):
    from blueprints.dashboard.figures.base import withheld_parts
    assert withheld_parts({"w": 3, "m": 40, "n": 9}, ["w", "m", "n"]) == {"n"}
    assert withheld_parts({"w": 3, "m": 40, "n": 2}, ["w", "m", "n"]) == set()
    assert withheld_parts({"w": 3, "m": 0}, ["w", "m"]) == set()
    # Q2: 7 women, 12 men, 1 non-binary person: total 20 is published in the note.
    for n in range(20):
        gender = "woman" if n < 7 else "man" if n < 19 else "non_binary"
        make_referral(make_person(gender=gender), team_a, received_at=utc(2026, 5, 1, 9))
    rows = {label: [c.text for c in cells] for label, cells in
            people.gender(team_a_q2(team_a)).rows}
    assert rows["Non-binary"][:2] == ["fewer than 5", "fewer than 5"]
    assert rows["Woman (including trans woman)"][:2] == ["withheld", "withheld"]
    assert rows["Man (including trans man)"][:2] == ["12", "60.0%"]


def test_csv_cells_that_look_like_formulas_are_neutralised():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Team A") == "Team A" and neutralise(12) == "12"


def test_csv_export_of_a_team_named_like_a_formula(client_as, caseload, team_a):
    team_a.name = '=HYPERLINK("http://evil.example","Team A")'
    team_a.save()
    response = client_as("manager").get("/reports/people-seen.csv", query_string=Q2_ARGS)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["'" + team_a.name, "12"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_csv_export_suppresses_small_numbers_and_is_audited(client_as, caseload, team_a, users):
    response = client_as("manager").get("/reports/referrals-by-source.csv", query_string=Q2_ARGS)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Police custody", "6", "fewer than 5", "withheld"] in rows
    assert ["Period", "1 April 2026 to 30 June 2026"] in rows
    event = AuditEvent.select().where(AuditEvent.action == "report.exported").get()
    assert event.actor_id == users["manager"].id and event.object_id == "referrals-by-source"


def test_manager_sees_charts_with_text_alternatives_and_tables(client_as, caseload):
    response = client_as("manager").get("/reports", query_string=Q2_ARGS)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 April 2026 to 30 June 2026" in page
    assert page.count('role="img"') >= 5
    assert '<title id="chart-referrals-by-source-title">Referrals by source' in page
    assert 'id="chart-referrals-by-source-desc"' in page
    assert "<script" not in page.split('id="report"')[1]
    assert "Team B" not in page.split('id="report"')[1]
    assert page.count("fewer than 5") >= 4


def test_changing_the_period_with_htmx_returns_only_the_report(client_as, caseload):
    client = client_as("manager")
    response = client.hx_get("/reports", query_string={"start": "2026-01-01", "end": "2026-04-01"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<div id="report"') and "<html" not in body
    assert "1 January 2026 to 31 March 2026" in body
    # Screen readers hear that the figures changed (the status line, swapped out of band).
    assert 'hx-swap-oob="true">Figures updated: 1 January 2026 to 31 March 2026' in body


def test_a_team_the_manager_is_not_in_is_not_found(client_as, caseload, team_b):
    client = client_as("manager")
    assert client.get("/reports", query_string={**Q2_ARGS, "teams": team_b.id}).status_code == 404
    assert client.get("/reports/people-seen.csv",
                      query_string={**Q2_ARGS, "teams": team_b.id}).status_code == 404
    assert client.get("/reports", query_string={**Q2_ARGS, "teams": "1 OR 1=1"}).status_code == 404


def test_a_manager_of_two_teams_can_choose_one_or_both(app, client, caseload, team_a, team_b):
    from tests.factories import make_user
    manager = make_user("manager", [team_a, team_b])
    client.sign_in(manager)
    both = client.get("/reports/people-seen.csv", query_string=Q2_ARGS).get_data(as_text=True)
    assert "Team B" in both and "All selected teams" in both
    only_b = client.get("/reports/referrals-by-source.csv",
                        query_string={**Q2_ARGS, "teams": team_b.id}).get_data(as_text=True)
    assert "Magistrates' court,0,fewer than 5,fewer than 5" in only_b
    assert "Police custody" not in only_b


@pytest.mark.parametrize("role", ["practitioner", "coordinator", "trainer", "admin"])
def test_only_managers_open_reports(client_as, role):
    assert client_as(role).get("/reports").status_code == 403
    assert client_as(role).get("/reports/outcomes.csv").status_code == 403


@pytest.mark.parametrize("args, message", [
    ({"start": "2026-07-01", "end": "2026-04-01"}, "The end date must be after the start date"),
    ({"start": "not a date", "end": "2026-04-01"}, "Not a valid date value"),
    ({"start": "1999-01-01", "end": "2026-04-01"}, "in or after the year 2000"),
    ({"start": "2020-01-01", "end": "2026-04-01"}, "three years or less"),
    ({"start": "<script>alert(1)</script>", "end": "'; DROP TABLE referral; --"},
     "Not a valid date value"),
])
def test_wrong_dates_are_explained(client_as, caseload, args, message):
    response = client_as("manager").get("/reports", query_string=args)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "<script>alert" not in page
    assert client_as("manager").get("/reports/outcomes.csv", query_string=args).status_code == 400


def test_unknown_figure_is_not_found(client_as):
    assert client_as("manager").get("/reports/nothing.csv").status_code == 404


def test_figure_csv_writes_notes_and_context():
    figure = people.Figure(key="k", title="T", description="d", label_heading="L",
                           labels=["-x"], series=[people.Series("S", [people.count(3)])],
                           notes=["@note"])
    text = figure_csv(figure, [("Teams", "+A")])
    assert "'-x,fewer than 5" in text and "'@note" in text and "Teams,'+A" in text


def test_quarterly_report_docx_holds_every_table_suppressed_and_is_audited(client_as, caseload):
    from docx import Document
    response = client_as("manager").get("/reports/monitoring-report.docx", query_string=Q2_ARGS)
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Quarterly monitoring report" in text and "1 April 2026 to 30 June 2026" in text
    assert "Team A" in text and "Team B" not in text
    source = next(t for t in doc.tables if t.rows[0].cells[0].text == "Source")
    rows = [[c.text for c in row.cells] for row in source.rows]
    assert ["Police custody", "6", "fewer than 5", "withheld"] in rows
    assert AuditEvent.select().where((AuditEvent.action == "report.exported")
                                     & (AuditEvent.object_id == "monitoring-report")).count() == 1


def test_the_number_of_queries_does_not_grow_with_the_referrals(app, caseload, team_a):
    """Every figure is counted by the database (GROUP BY), not by looping over rows."""
    from models.base import db
    database = db.obj
    original = database.execute_sql
    statements = []

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    from blueprints.dashboard.figures import build_report
    database.execute_sql = counting
    try:
        build_report(team_a_q2(team_a))
        before = len(statements)
        for n in range(40):
            make_referral(make_person(), team_a, received_at=utc(2026, 5, 1 + n % 28, 9))
        statements.clear()
        build_report(team_a_q2(team_a))
    finally:
        database.execute_sql = original
    assert len(statements) == before
    assert sum("GROUP BY" in sql for sql in statements) >= 5


def test_the_docx_is_the_same_with_or_without_the_letters_engine(app, caseload, team_a):
    from docx import Document

    from blueprints.dashboard import docx_report
    from blueprints.dashboard.figures import build_report
    team_a.name = "Team <A> & {{ config }}"
    team_a.save()
    report = build_report(team_a_q2(team_a))
    args = dict(period_label=Q2.label, previous_label=Q2.previous().label,
                team_names=[team_a.name], produced="today")
    context = docx_report._context(report, Q2.label, Q2.previous().label, [team_a.name], "today")

    def read(data):
        doc = Document(io.BytesIO(data))
        return ([p.text for p in doc.paragraphs if p.text.strip()],
                [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables])

    engine_made = docx_report.monitoring_docx(report, **args)
    plain = docx_report._plain_docx(context)
    assert read(engine_made) == read(plain)
    paragraphs, tables = read(engine_made)
    assert "Teams: Team <A> & {{ config }}" in paragraphs  # shown as typed, never evaluated
    assert len(tables) == sum(len(figures) for _, figures in report)


def test_only_reports_is_marked_current_in_the_menu_on_the_reports_page(client_as):
    page = client_as("manager").get("/reports").get_data(as_text=True)
    assert page.count('aria-current="page"') == 1
    current = page.split('aria-current="page"')[1][:120]
    assert "Reports" in current
    home = client_as("manager").get("/").get_data(as_text=True)
    assert "Home" in home.split('aria-current="page"')[1][:120]


def test_a_figure_with_nothing_to_draw_has_a_table_but_no_chart(app):
    from blueprints.dashboard.charts import chart
    figure = people.Figure(key="k", title="T", description="d", label_heading="L",
                           labels=["a", "b"], series=[people.Series("S", [people.count(0),
                                                                          people.count(3)])])
    assert chart(figure, "c") is None
    figure.series[0].cells[0] = people.count(7)
    svg = chart(figure, "c")
    assert svg.startswith("<svg") and "<script" not in svg and "fewer than 5" in svg
