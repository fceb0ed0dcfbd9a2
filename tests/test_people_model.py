"""The case-work core: identifiers, who may see a person, referral status rules."""
import pytest
from flask import g

from blueprints.case_access import get_person_or_404, get_referral_or_404
from models.identifiers import (format_nhs_number, nhs_number_is_valid, normalise_pnc_id,
                                pnc_check_letter_matches, pnc_id_is_valid)
from models.people import Person, Referral, ReferralShare, StatusChangeRefused
from models.timeline import TimelineEvent, add_timeline_event
from tests.factories import make_person, make_referral, make_team, make_user
from werkzeug.exceptions import NotFound


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers_pass_the_check_digit(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", [
    "9434765918",   # wrong check digit
    "943476591",    # nine digits
    "94347659190",  # eleven digits
    "943476591X",   # not a digit
    "1000000010",   # check digit would be 10: never issued
    "0000000000", "1111111111", "999 999 9999",  # pass the check, but never issued
    "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19",  # 9434765919 in fullwidth digits
    "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",  # and in Arabic-Indic ones
    "", None, "'; DROP TABLE person; --",
])
def test_invalid_nhs_numbers_fail(number):
    assert not nhs_number_is_valid(number)


def test_nhs_number_is_shown_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize("pnc", ["98/123456G", "2019/0012345K", " 12/34a "])
def test_pnc_ids_in_the_police_format_pass(pnc):
    assert pnc_id_is_valid(pnc)


# 98/123456: 980123456 = 23 x 42614063 + 7, and the 8th letter of ZABCDEFGH... is G.
# 2019/0012345: 190012345 = 23 x 8261406 + 7, G again; 12/34: 120000034 = 23 x 5217392 + 18
# (ZABCDEFGHJKLMNPQRTUVWXY: U); 81/154257: 810154257 = 23 x 35224098 + 3 (C).
@pytest.mark.parametrize("pnc", ["98/123456G", "98/0123456G", "1998/123456G", "2019/0012345G",
                                 " 12/34u ", "1981/0154257C"])
def test_a_pnc_check_letter_worked_out_by_hand_matches(pnc):
    assert pnc_check_letter_matches(pnc)


@pytest.mark.parametrize("pnc", ["98/123456H", "98/123465G", "89/123456G", "2019/0012345K",
                                 "1981/0154257D", "98/123456", "<script>", ""])
def test_a_mistyped_pnc_id_fails_its_check_letter(pnc):
    assert not pnc_check_letter_matches(pnc)


@pytest.mark.parametrize("pnc", ["123456Z", "98/123456", "98/12345678Z", "98/123456I",
                                 "../../etc", "<script>", "98/\uff11\uff12\uff13\uff14\uff15\uff16Z"])
def test_malformed_pnc_ids_fail(pnc):
    assert not pnc_id_is_valid(pnc)


def test_pnc_ids_are_stored_upper_case_without_spaces():
    assert normalise_pnc_id(" 12/34a ") == "12/34A"


def test_a_person_is_visible_only_to_teams_holding_or_sharing_a_referral(app):
    court, probation, other = make_team(), make_team(), make_team()
    person = make_person()
    referral = make_referral(person, court)
    assert [p.id for p in Person.visible_to({court.id})] == [person.id]
    assert list(Person.visible_to({other.id})) == []
    assert list(Person.visible_to(set())) == []
    assert [p.id for p in Person.visible_to(None)] == [person.id]  # admins

    ReferralShare.create(referral=referral, team=probation, from_team=court, kind="share",
                         shared_by=make_user("manager", [court]))
    assert [p.id for p in Person.visible_to({probation.id})] == [person.id]
    assert [r.id for r in Referral.visible_to({probation.id})] == [referral.id]
    assert list(Referral.visible_to({other.id})) == []


def test_lookups_answer_404_for_another_teams_records(app):
    mine, theirs = make_team(), make_team()
    my_referral = make_referral(team=mine)
    their_referral = make_referral(team=theirs)
    with app.test_request_context():
        g.team_ids = {mine.id}
        assert get_person_or_404(my_referral.person_id).id == my_referral.person_id
        assert get_referral_or_404(str(my_referral.id)).id == my_referral.id
        for lookup, value in [(get_person_or_404, their_referral.person_id),
                              (get_referral_or_404, their_referral.id),
                              (get_person_or_404, "1 OR 1=1"), (get_referral_or_404, None)]:
            with pytest.raises(NotFound):
                lookup(value)


def test_closing_needs_an_outcome_and_reopening_clears_it(app):
    referral = make_referral()
    with pytest.raises(StatusChangeRefused, match="outcome"):
        referral.apply_status_change("closed")
    referral.apply_status_change("closed", outcome="diverted", closure_reason="Engaged")
    referral.save()
    stored = Referral.get_by_id(referral.id)
    assert (stored.status, stored.outcome, stored.closed_at is not None) == (
        "closed", "diverted", True)
    with pytest.raises(StatusChangeRefused, match="already closed"):
        stored.apply_status_change("closed", outcome="nfa")
    with pytest.raises(StatusChangeRefused, match="not a referral status"):
        stored.apply_status_change("archived")
    stored.apply_status_change("open")
    assert (stored.status, stored.outcome, stored.closed_at) == ("open", None, None)


def test_timeline_events_belong_to_the_referrals_person_and_team(app):
    referral = make_referral()
    event = add_timeline_event(referral, None, "letter", "x" * 400, "letter", 7)
    stored = TimelineEvent.get_by_id(event.id)
    assert (stored.person_id, stored.team_id, stored.link_id) == (
        referral.person_id, referral.team_id, "7")
    assert len(stored.summary) == 300
