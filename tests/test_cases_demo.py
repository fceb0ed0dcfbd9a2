"""The case-work demo data: about 200 fictional people across the demo teams, valid NHS
numbers, about a quarter women, hearings today, and nothing added on a second run."""
from models.follow_ups import FollowUp, hearings_today, london_today
from models.identifiers import nhs_number_is_valid
from models.needs import NeedsAssessment
from models.notes import CaseNote
from models.people import Hearing, Person, Referral


def test_demo_case_work_is_plausible_and_idempotent(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    people = list(Person.select())
    assert len(people) == 200
    assert all(nhs_number_is_valid(p.nhs_number) and p.nhs_number.startswith("999")
               for p in people)
    women = sum(p.gender == "woman" for p in people)
    assert 0.18 <= women / len(people) <= 0.4
    not_white = sum(not p.ethnicity.startswith("white") for p in people)
    assert not_white / len(people) > 0.5
    assert len({r.team_id for r in Referral.select()}) == 5
    assert Hearing.select().where(Hearing.date == london_today()).count() >= 5
    assert hearings_today(None)
    counts = (Referral.select().count(), CaseNote.select().count(),
              NeedsAssessment.select().count(), FollowUp.select().count())
    assert all(counts)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (Person.select().count(), Referral.select().count(), CaseNote.select().count(),
            NeedsAssessment.select().count(), FollowUp.select().count()) == (200, *counts)
