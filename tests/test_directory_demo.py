"""seed-demo fills the directory with fictional London services, once."""
import datetime as dt

from models.directory import Service, ServiceArea, search_services
from tests.directory_factories import category


def test_seed_demo_adds_about_60_services_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert Service.select().count() == 60
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert Service.select().count() == 60
    services = list(Service.select())
    assert 5 <= sum(s.is_stale() for s in services) <= 20
    assert any(s.women_only for s in services)
    boroughs = {a.borough for a in ServiceArea.select()}
    assert len(boroughs) >= 20
    assert list(search_services("", category=category("Debt")))
    assert all(s.verified_on <= dt.date.today() for s in services)
