"""Home-page lists and the onward-referrals figure that read the service directory
(skipped where the directory is not installed)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("models.service_referrals")
pytest.importorskip("tests.directory_factories")

from blueprints.dashboard.figures import onward  # noqa: E402
from blueprints.dashboard.figures.base import Scope  # noqa: E402
from blueprints.dashboard.period import Period  # noqa: E402
from models.service_referrals import ServiceReferral  # noqa: E402
from tests.directory_factories import make_service, taxonomies  # noqa: E402,F401
from tests.factories import make_person, make_referral  # noqa: E402

Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 7, 1))


def refer(team, service, sent_on, status="made", follow_up_on=None, user=None, name=None):
    person = make_person(**({"given_name": name[0], "family_name": name[1]} if name else {}))
    referral = make_referral(person, team)
    return ServiceReferral.create(referral=referral, service=service, team=team, reason="r",
                                  method="phone", sent_on=sent_on, status=status,
                                  status_on=sent_on, follow_up_on=follow_up_on, created_by=user)


def test_onward_referrals_by_category_with_those_engaged(app, taxonomies, team_a, team_b):
    housing = make_service("Hackney Housing Advice", categories=["Housing"])
    both = make_service("Women's Housing Project", categories=["Housing", "Women's centres"])
    for n in range(6):
        refer(team_a, housing, dt.date(2026, 4, 1) + dt.timedelta(days=n * 10),
              status="engaged" if n < 5 else "declined")
    refer(team_a, both, dt.date(2026, 6, 30), status="engaged")
    refer(team_a, housing, dt.date(2026, 7, 1))     # Q3
    refer(team_a, housing, dt.date(2026, 3, 31))    # Q1
    refer(team_b, housing, dt.date(2026, 5, 1))     # another team's
    figure = onward.by_category(Scope(Q2, (team_a.id,)))
    rows = {label: [c.text for c in cells] for label, cells in figure.rows}
    assert rows == {"Housing and supported accommodation": ["7", "6", "85.7%"],
                    "Women's centres": ["fewer than 5", "fewer than 5", "fewer than 5"]}
    assert figure.notes == ["Referrals to services in the period: 7."]


def test_service_referrals_past_their_follow_up_are_on_the_home_page(client_as, taxonomies,
                                                                     users, team_a, team_b):
    service = make_service("Islington Debt Advice", categories=["Debt"])
    today = dt.date.today()
    refer(team_a, service, today - dt.timedelta(days=20), follow_up_on=today - dt.timedelta(days=2),
          name=("Owen", "Overdue"))
    refer(team_a, service, today - dt.timedelta(days=5), follow_up_on=today + dt.timedelta(days=5),
          name=("Nora", "Notyet"))
    refer(team_a, service, today - dt.timedelta(days=20), status="engaged",
          follow_up_on=today - dt.timedelta(days=2), name=("Enid", "Engaged"))
    refer(team_b, service, today - dt.timedelta(days=20), follow_up_on=today - dt.timedelta(days=2),
          name=("Other", "Team"))
    page = client_as("practitioner").get("/").get_data(as_text=True)
    panel = page.split('id="panel-service-referrals"')[1].split("</section>")[0]
    assert "Owen Overdue" in panel and "Islington Debt Advice" in panel
    assert "Nora" not in panel and "Enid" not in panel and "Other Team" not in panel


def test_coordinator_sees_services_overdue_for_verification(client_as, taxonomies):
    today = dt.date.today()
    make_service("Stale Service", verified_on=today - dt.timedelta(days=400))
    make_service("Fresh Service", verified_on=today - dt.timedelta(days=30))
    page = client_as("coordinator").get("/").get_data(as_text=True)
    panel = page.split('id="panel-verification"')[1].split("</section>")[0]
    assert "Stale Service" in panel and "Fresh Service" not in panel
    assert "1 service not checked for a year or more" in panel
    assert 'id="panel-verification"' not in client_as("practitioner").get("/").get_data(as_text=True)
