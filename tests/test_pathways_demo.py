"""The demo data for pathways and housing: what the issue asks for, and idempotent."""
from blueprints.commands import DemoContext
from models.housing import Property, Unit, WaitingEntry
from models.pathways import Enrolment, PathwaySession
from tests.pathways_factories import make_programme


def seed_twice():
    import importlib
    for _ in range(2):
        demo = DemoContext()
        for module in ("blueprints.admin.demo", "blueprints.cases.demo",
                       "blueprints.pathways.demo"):
            importlib.import_module(module).seed_demo(demo)


def test_demo_has_enrolments_at_every_stage_and_a_full_board(app):
    for key in ("sar", "womens_liaison", "mhtr", "reconnect", "housing"):
        make_programme(key)  # PostgreSQL test runs empty the migration's rows
    seed_twice()
    enrolments = Enrolment.select()
    assert 25 <= enrolments.count() <= 30
    assert enrolments.where(Enrolment.status == "discharged").count() >= 5
    assert enrolments.where(Enrolment.eligible == False).count() == 1  # noqa: E712
    assert PathwaySession.select().where(PathwaySession.status == "did_not_attend").exists()
    assert sorted(p.units.count() for p in Property.select()) == [3, 5]
    statuses = sorted(u.status for u in Unit.select())
    assert statuses.count("occupied") == 5 and "offered" in statuses and "void" in statuses
    assert WaitingEntry.select().where(WaitingEntry.status == "waiting").count() == 8


def test_bench_finds_the_sar_caseload_by_its_key_not_by_a_fixed_id(client_as):
    from bench.pathways_data import sar_caseload_path
    from bench.run import resolve_paths
    from bench.scenarios import SCENARIOS
    from models.pathways import Programme
    # A database where SAR was not the second programme made.
    Programme.delete().where(Programme.key == "sar").execute()
    for key in ("reconnect", "mhtr", "housing"):
        make_programme(key)
    sar = make_programme("sar")
    assert sar.id != 2
    assert sar_caseload_path() == f"/pathways/{sar.id}/caseload"
    paths = {name: path for name, path, *_rest in resolve_paths(SCENARIOS)}
    assert paths["SAR caseload (~100 women)"] == f"/pathways/{sar.id}/caseload"
    page = client_as("coordinator").get(sar_caseload_path())
    assert page.status_code == 200 and "Specified Activity Requirement" in page.get_data(True)
