"""Roadmap links from the service directory: women-only services come first when the
pathway is a women's pathway (the directory's Service is stood in for by a small model)."""
from peewee import BooleanField, CharField, DateTimeField

from blueprints.pathways import services
from models.base import BaseModel


class StandInService(BaseModel):
    name = CharField()
    women_only = BooleanField(default=False)
    archived_at = DateTimeField(null=True)

    class Meta:
        table_name = "stand_in_service"

    @classmethod
    def offered(cls):
        return cls.select().where(cls.archived_at.is_null())


def test_women_only_services_first_on_a_womens_pathway(app, monkeypatch):
    StandInService.create_table()
    try:
        for name, women in [("Advice Hackney", False), ("Women's Aid East", True),
                            ("Bridge Debt Advice", False), ("Sisters Housing", True)]:
            StandInService.create(name=name, women_only=women)
        StandInService.create(name="Closed Women's Group", women_only=True,
                              archived_at="2026-01-01 00:00:00")
        monkeypatch.setattr(services, "_service_model", lambda: StandInService)
        labels = [label for _, label in services.service_choices(women_first=True)]
        assert labels == ["Sisters Housing (women only)", "Women's Aid East (women only)",
                          "Advice Hackney", "Bridge Debt Advice"]
        labels = [label for _, label in services.service_choices(women_first=False)]
        assert labels[0] == "Advice Hackney"
        first_id = int(services.service_choices(True)[0][0])
        assert services.service_name(first_id) == "Sisters Housing"
    finally:
        StandInService.drop_table()


def test_without_the_directory_links_are_written_in(app, monkeypatch):
    monkeypatch.setattr(services, "_service_model", lambda: None)
    assert services.service_choices(True) == [] and services.service_name(1) is None


def test_roadmap_picks_from_the_real_directory_women_only_first(client_as, team_a):
    from models.pathways import Enrolment, RoadmapLink
    from tests.directory_factories import make_service
    from tests.pathways_factories import make_programme, make_woman_referral
    make_service("Advice Hackney")
    womens = make_service("Sisters Women's Centre", women_only=True)
    referral = make_woman_referral(team_a)
    sar = make_programme("sar")
    client = client_as("practitioner")
    client.post_form(f"/pathways/enrol/{referral.id}", {
        "programme": str(sar.id), "drivers": ["housing"],
        **{f"criterion_{n}": "yes" for n in range(3)}})
    enrolment = Enrolment.get()
    page = client.get(f"/pathways/enrolments/{enrolment.id}").get_data(as_text=True)
    assert page.index("Sisters Women&#39;s Centre (women only)") < page.index("Advice Hackney")
    response = client.post_form(f"/pathways/enrolments/{enrolment.id}/roadmap", {
        "category": "support", "service": str(womens.id), "details": "Tuesdays"})
    assert response.status_code == 303
    link = RoadmapLink.get()
    assert link.service_id == womens.id and link.name == "Sisters Women's Centre"
