"""Needs assessments over the fifteen domains: recording, reassessing with history kept,
and the person page showing the latest and what changed."""
from models.audit import AuditEvent
from models.needs import NEED_DOMAINS, NeedRating, NeedsAssessment
from tests.factories import make_person, make_referral


def answers(**levels):
    data = {}
    for key in NEED_DOMAINS:
        data[f"{key}_level"] = levels.get(key, "none")
        data[f"{key}_note"] = ""
    return data


def test_recording_needs_over_every_domain(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    page = client.get(f"/referrals/{referral.id}/needs").get_data(as_text=True)
    for label in NEED_DOMAINS.values():
        assert label.replace("'", "&#39;") in page
    data = answers(mental_health="high", housing="medium")
    data["mental_health_note"] = "Hearing voices;\nnot on medication"
    response = client.post_form(f"/referrals/{referral.id}/needs", data)
    assert response.status_code == 303
    assessment = NeedsAssessment.get()
    ratings = {r.domain: r for r in NeedRating.select()}
    assert len(ratings) == 15
    assert (ratings["mental_health"].level, ratings["housing"].level,
            ratings["trauma"].level) == ("high", "medium", "none")
    assert ratings["mental_health"].note == "Hearing voices;\nnot on medication"
    assert AuditEvent.get(AuditEvent.action == "needs.assessed").object_id == str(assessment.id)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hearing voices;<br>\nnot on medication" in shown


def test_a_needs_note_that_fits_its_box_is_kept_with_one_character_a_line_break(
        client_as, team_a):
    """Browsers send each line break as CR LF, while the box's maxlength counts one: a
    note of 1,999 characters in the box was refused as over 2,000, and breaks were kept
    as CR LF."""
    referral = make_referral(team=team_a)
    data = answers()
    data["housing_note"] = "\r\n".join(["x" * 199] * 10)  # 1,999 in the box, 2,008 sent
    response = client_as("practitioner").post_form(f"/referrals/{referral.id}/needs", data)
    assert response.status_code == 303
    note = NeedRating.get(NeedRating.domain == "housing").note
    assert len(note) == 1999 and "\r" not in note


def test_bad_needs_input_is_refused_and_nothing_is_stored(client_as, team_a):
    referral = make_referral(team=team_a)
    client = client_as("practitioner")
    missing = answers()
    del missing["trauma_level"]
    page = client.post_form(f"/referrals/{referral.id}/needs", missing).get_data(as_text=True)
    assert "Choose a level for trauma" in page
    page = client.post_form(f"/referrals/{referral.id}/needs",
                            answers(alcohol="catastrophic")).get_data(as_text=True)
    assert "Choose substance misuse: alcohol from the list" in page
    long_note = answers()
    long_note["housing_note"] = "x" * 2001
    page = client.post_form(f"/referrals/{referral.id}/needs", long_note).get_data(as_text=True)
    assert "The note on housing must be 2,000 characters or fewer" in page
    assert NeedsAssessment.select().count() == 0 and NeedRating.select().count() == 0


def test_reassessment_keeps_history_and_the_person_page_shows_what_changed(client_as, team_a):
    referral = make_referral(make_person(), team_a)
    client = client_as("practitioner")
    client.post_form(f"/referrals/{referral.id}/needs", answers(mental_health="high",
                                                                 alcohol="medium"))
    # The reassessment form starts from the latest answers.
    form = client.get(f"/referrals/{referral.id}/needs").get_data(as_text=True)
    assert "Reassess needs" in form
    [viewed] = AuditEvent.select().where(AuditEvent.action == "needs.viewed")
    assert (viewed.person_id, viewed.detail) == (referral.person_id, "reassessment form")
    assert 'checked class="nhsuk-radios__input" id="mental_health_level-3"' in form
    assert 'checked class="nhsuk-radios__input" id="alcohol_level-2"' in form
    client.post_form(f"/referrals/{referral.id}/needs", answers(mental_health="medium",
                                                                 alcohol="medium",
                                                                 housing="high"))
    assert NeedsAssessment.select().count() == 2 and NeedRating.select().count() == 30
    page = client.get(f"/people/{referral.person_id}").get_data(as_text=True)
    assert "Changed since the assessment before" in page
    assert "Mental health: High → <strong>Medium</strong>" in page
    assert "Housing: None → <strong>High</strong>" in page
    assert "Substance misuse: alcohol: Medium" not in page.split("Changed since")[1].split("</ul>")[0]
    latest = NeedsAssessment.select().order_by(NeedsAssessment.id.desc()).first()
    shown = client.get(f"/needs/{latest.id}").get_data(as_text=True)
    assert "All assessments on this referral" in shown
    # A level that stands while its note is rewritten is a change too.
    client.post_form(f"/referrals/{referral.id}/needs", dict(
        answers(mental_health="medium", alcohol="medium", housing="high"),
        housing_note="Hostel place offered"))
    page = client.get(f"/people/{referral.person_id}").get_data(as_text=True)
    changed = page.split("Changed since")[1].split("</ul>")[0]
    assert "Housing: High, <strong>note changed</strong>" in changed
    assert "Mental health" not in changed and "alcohol" not in changed
    latest = NeedsAssessment.select().order_by(NeedsAssessment.id.desc()).first()
    row = client.get(f"/needs/{latest.id}").get_data(as_text=True).split("Housing")[1]
    assert "Note changed" in row.split("</tr>")[0]


def test_another_teams_needs_are_404(client_as, team_b, users):
    referral = make_referral(team=team_b)
    assessment = NeedsAssessment.create(referral=referral, person=referral.person_id,
                                        team=team_b, assessed_by=users["manager"])
    client = client_as("practitioner")
    assert client.get(f"/needs/{assessment.id}").status_code == 404
    assert client.get(f"/referrals/{referral.id}/needs").status_code == 404
    assert client.post_form(f"/referrals/{referral.id}/needs", answers()).status_code == 404
    assert client.get("/needs/999999").status_code == 404
