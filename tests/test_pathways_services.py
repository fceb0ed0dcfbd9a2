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
