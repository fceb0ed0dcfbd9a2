"""Registering, finding and changing people: the duplicate check, team scoping of the
search, the "known to another team" hint and its logged access request."""
import datetime as dt
import re

import pytest

from models.audit import AuditEvent
from models.people import Person, Referral
from models.timeline import TimelineEvent
from tests.factories import make_person, make_referral

VALID_NHS = "9434765919"


def register_data(team, **overrides):
    data = {"given_name": "Amara", "family_name": "Okafor", "date_of_birth": "1988-04-12",
            "gender": "woman", "ethnicity": "black_african", "nhs_number": "943 476 5919",
            "pnc_id": "", "first_language": "English", "housing_status": "temporary",
            "team": str(team.id), "received_date": dt.date.today().isoformat(),
            "received_time": "09:15", "source": "police_custody",
            "screening_route": "proactive", "reason": "Distressed in the cells overnight.",
            "assigned_to": "0", "consent_scope": ""}
    data.update(overrides)
    return data


def results(page: str) -> str:
    """The search results part of the people page."""
    return page.split('id="person-results"')[1].split("My caseload")[0]


def actions(name):
    return [e for e in AuditEvent.select().where(AuditEvent.action == name)]


def test_practitioner_registers_a_person_with_their_first_referral(client_as, team_a, users):
    client = client_as("practitioner")
    response = client.post_form("/people/new", register_data(
        team_a, assigned_to=str(users["practitioner"].id), communication_needs="neurodiversity"))
    assert response.status_code == 303
    person = Person.get()
    referral = Referral.get()
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")
    assert (person.full_name, person.nhs_number, person.family_key) == (
        "Amara Okafor", VALID_NHS, "okafor")
    assert person.communication_needs == "neurodiversity"
    assert (referral.person_id, referral.team_id, referral.source, referral.assigned_to_id) == (
        person.id, team_a.id, "police_custody", users["practitioner"].id)
    assert [e.person_id for e in actions("person.created")] == [person.id]
    assert [e.object_id for e in actions("referral.created")] == [str(referral.id)]
    # The message waiting for the next page is in the session cookie: it names nobody.
    from tests.route_walker import session_cookie
    waiting = str(session_cookie(client.application, client))
    assert "_flashes" in waiting and "Okafor" not in waiting
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amara Okafor" in page and "Registered, and their referral is open." in page


@pytest.mark.parametrize("field, value, message", [
    ("nhs_number", "943 476 5918", "Enter a valid NHS number"),
    ("nhs_number", "'; DROP TABLE person; --", "Enter a valid NHS number"),
    ("date_of_birth", (dt.date.today() + dt.timedelta(days=2)).isoformat(),
     "Date of birth must be in the past"),
    ("date_of_birth", "31/02/1990", "as a real date"),
    ("given_name", "x" * 101, "Given name must be 100 characters or fewer"),
    ("given_name", "", "Enter the person&#39;s given name"),
    ("family_name", "Okafor\x07", "must not contain control characters"),
    ("pnc_id", "../../etc/passwd", "Enter a PNC ID in the police format"),
    ("pnc_id", "98/123456H", "The check letter of this PNC ID does not match its numbers"),
    ("ethnicity", "martian", "from the list"),
    ("source", "the moon", "from the list"),
    ("reason", "r" * 4001, "Reason for referral must be 4,000 characters or fewer"),
    ("received_time", "25:61", "as a time"),
])
def test_bad_registration_input_is_refused_with_a_clear_message(client_as, team_a, field, value,
                                                                 message):
    response = client_as("practitioner").post_form("/people/new",
                                                   register_data(team_a, **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert Person.select().count() == 0 and Referral.select().count() == 0


def test_script_in_a_name_is_stored_as_text_and_shown_escaped(client_as, team_a):
    client = client_as("practitioner")
    client.post_form("/people/new", register_data(team_a, given_name="<script>alert(1)</script>"))
    person = Person.get()
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_failure_half_way_through_registering_leaves_nothing_behind(client_as, team_a,
                                                                      monkeypatch):
    from blueprints.cases import routes

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(routes, "_create_referral", lambda person, form: broken_audit())
    client = client_as("practitioner")
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post_form("/people/new", register_data(team_a))
    assert response.status_code == 500
    assert Person.select().count() == 0 and Referral.select().count() == 0
    assert actions("person.created") == []


def test_same_nhs_number_is_refused_and_links_to_the_existing_record(client_as, team_a):
    existing = make_person(given_name="Amara", family_name="Okafor", nhs_number=VALID_NHS)
    make_referral(existing, team_a)
    response = client_as("practitioner").post_form(
        "/people/new", register_data(team_a, given_name="Someone", family_name="Else",
                                     confirm_new="y"))
    page = response.get_data(as_text=True)
    assert "A person with this NHS number is already registered" in page
    assert f"/people/{existing.id}" in page
    assert Person.select().count() == 1


def test_similar_names_and_same_birthday_are_shown_before_registering(client_as, team_a):
    existing = make_person(given_name="Amarah", family_name="Okafur",
                           date_of_birth=dt.date(1988, 4, 12))
    make_referral(existing, team_a)
    client = client_as("practitioner")
    data = register_data(team_a, nhs_number="")
    response = client.post_form("/people/new", data)
    page = response.get_data(as_text=True)
    assert "Likely matches" in page and "similar names and the same date of birth" in page
    assert f"/people/{existing.id}" in page
    assert Person.select().count() == 1
    # Confirming that none of them is the person registers a new record.
    response = client.post_form("/people/new", dict(data, confirm_new="y"))
    assert response.status_code == 303
    assert Person.select().count() == 2


def test_same_names_and_birthday_in_another_team_show_no_details(client_as, team_a, team_b):
    hidden = make_person(given_name="Amara", family_name="Okafor",
                         date_of_birth=dt.date(1988, 4, 12), phone="07700 900123")
    make_referral(hidden, team_b)
    page = client_as("practitioner").post_form(
        "/people/new", register_data(team_a, nhs_number="")).get_data(as_text=True)
    assert "Known to another team" in page
    assert f"/people/{hidden.id}" not in page and "07700 900123" not in page
    assert "same names and date of birth" in page


def test_find_shows_only_people_my_teams_work_with(client_as, team_a, team_b):
    mine = make_person(given_name="Maria", family_name="Santos")
    make_referral(mine, team_a)
    theirs = make_person(given_name="Mario", family_name="Santini")
    make_referral(theirs, team_b)
    client = client_as("practitioner")
    for q in ("san", "Maria", "maria santos", "SANTOS m"):
        page = client.hx_get(f"/people?q={q}").get_data(
            as_text=True)
        assert "Maria Santos" in page and "Santini" not in page, q
    page = results(client.get("/people?q=santini").get_data(as_text=True))
    assert "Mario" not in page and "Known to another team" not in page  # not an exact match
    assert len(actions("person.searched")) == 5


def test_names_of_more_than_one_word_are_found_however_they_are_typed(client_as, team_a,
                                                                     team_b):
    """A name key has no spaces or hyphens, so "de souza" must be read as one name as well as
    two: each typed word alone matched neither "desouza" nor "maria"."""
    souza = make_person(given_name="Maria", family_name="De Souza",
                        date_of_birth=dt.date(1984, 5, 6))
    jones = make_person(given_name="Rhys", family_name="Griffiths-Jones")
    ann = make_person(given_name="Mary Ann", family_name="Lee")
    for person in (souza, jones, ann):
        make_referral(person, team_a)
    client = client_as("practitioner")
    for q, name in [("de souza", "Maria De Souza"), ("maria de souza", "Maria De Souza"),
                    ("de souza maria", "Maria De Souza"), ("DESOUZA", "Maria De Souza"),
                    ("de sou", "Maria De Souza"), ("maria de souza 06/05/1984", "Maria De Souza"),
                    ("griffiths jones", "Rhys Griffiths-Jones"),
                    ("rhys griffiths-jones", "Rhys Griffiths-Jones"),
                    ("mary ann lee", "Mary Ann Lee"), ("mary an", "Mary Ann Lee")]:
        found = results(client.get("/people", query_string={"q": q}).get_data(as_text=True))
        assert name in found, q
        assert len(re.findall(r'href="/people/\d', found)) == 1, q  # all words must match
    assert "Nobody your teams work with" in client.get(
        "/people", query_string={"q": "de souza rhys"}).get_data(as_text=True)
    # Someone only another team holds is "known to another team" by full name and birthday,
    # wherever the given name ends and the family name starts.
    hidden = make_person(given_name="Ana", family_name="Dos Santos Silva",
                         date_of_birth=dt.date(1979, 1, 2))
    make_referral(hidden, team_b)
    for q in ("ana dos santos silva 02/01/1979", "dos santos silva ana 02/01/1979"):
        assert "Known to another team" in results(client.get(
            "/people", query_string={"q": q}).get_data(as_text=True)), q
    assert "Known to another team" not in results(client.get(
        "/people", query_string={"q": "ana dos santos 02/01/1979"}).get_data(as_text=True))
    # The register form is prefilled with the names as typed: given name, then the rest.
    form = client.get("/people/new", query_string={"q": "maria de Souza"}).get_data(as_text=True)
    assert 'value="Maria"' in form and 'value="De Souza"' in form
    form = client.get("/people/new", query_string={"q": "o'brien <b>x"}).get_data(as_text=True)
    assert 'value="O&#39;Brien"' in form and 'value="Bx"' in form and "<b>" not in form


def test_a_later_word_of_a_name_or_a_preferred_name_finds_the_person(client_as, team_a,
                                                                    team_b):
    """The name keys run a name's words together ("desouza"), so "souza" alone found
    nobody: the names' words are indexed too, after the people the keys find."""
    souza = make_person(given_name="Maria", family_name="De Souza",
                        date_of_birth=dt.date(1984, 5, 6))
    make_referral(souza, team_a)
    make_referral(make_person(given_name="Rhys", family_name="Griffiths-Jones"), team_a)
    make_referral(make_person(given_name="Margaret", family_name="Hale",
                              preferred_name="Peggy"), team_a)
    make_referral(make_person(given_name="Jonas", family_name="Souza"), team_a)
    make_referral(make_person(given_name="Other", family_name="Da Souza"), team_b)
    client = client_as("practitioner")

    def found(q):
        page = results(client.get("/people", query_string={"q": q}).get_data(as_text=True))
        return re.findall(r'href="/people/\d+">([^<]+)<', page)

    assert found("souza") == ["Jonas Souza", "Maria De Souza"]  # the keys' matches first
    assert found("sou maria") == ["Maria De Souza"]
    assert found("souza 06/05/1984") == ["Maria De Souza"]
    assert found("souza 07/05/1984") == []
    assert found("jones") == ["Rhys Griffiths-Jones"]
    # Accents are folded on both databases, however the name was typed.
    make_referral(make_person(given_name="Maria", family_name="García Núñez"), team_a)
    make_referral(make_person(given_name="Ana", family_name="Da Conceição"), team_a)
    for q, name in [("nunez", "Maria García Núñez"), ("Núñez", "Maria García Núñez"),
                    ("conceicao", "Ana Da Conceição"), ("ana conceição", "Ana Da Conceição")]:
        assert found(q) == [name], q
    # Vietnamese letters fold as well; a Cyrillic name's later word is found as written.
    make_referral(make_person(given_name="Thu Hằng", family_name="Tran"), team_a)
    make_referral(make_person(given_name="Mai", family_name="Lê Nguyễn"), team_a)
    make_referral(make_person(given_name="Ivan", family_name="Sergeyev Андрей"), team_a)
    for q, name in [("hang", "Thu Hằng Tran"), ("Hằng", "Thu Hằng Tran"),
                    ("nguyen", "Mai Lê Nguyễn"), ("Андрей", "Ivan Sergeyev Андрей")]:
        assert found(q) == [name], q
    assert found("peggy") == ["Margaret Hale (Peggy)"] == found("peggy hale")
    # Renamed, the index follows the record.
    data = {"given_name": "Maria", "family_name": "Santos", "date_of_birth": "1984-05-06",
            "gender": "woman", "ethnicity": "not_stated", "housing_status": "not_known",
            "consent_scope": "", "version": "1"}
    assert client.post_form(f"/people/{souza.id}/edit", data).status_code == 303
    assert found("souza") == ["Jonas Souza"] and found("santos") == ["Maria Santos"]
    for q in ('souza"', "souza*", "NEAR(souza jones)", "souza' OR 1=1 --", "{given_name}: x"):
        assert client.get("/people", query_string={"q": q}).status_code == 200, q


def test_later_name_words_of_other_teams_people_do_not_crowd_out_mine(client_as, team_a,
                                                                       team_b, monkeypatch):
    """Only the people the teams work with count toward the name-word step's limit: many
    namesakes elsewhere must not hide the one in my team."""
    from blueprints.cases import finding
    monkeypatch.setattr(finding, "NAME_WORD_MATCHES", 3)
    for n in range(5):
        make_referral(make_person(given_name=f"Other{n}", family_name="Ahmed Khan"), team_b)
    make_referral(make_person(given_name="Imran", family_name="Ahmed Khan"), team_a)
    client = client_as("practitioner")
    for q in ("khan", "imran khan", "kha"):
        page = results(client.get("/people", query_string={"q": q}).get_data(as_text=True))
        assert "Imran Ahmed Khan" in page and "Other" not in page, q
    # Under three letters a word is not looked for inside names (it says too little yet).
    assert "Imran" not in results(client.get("/people?q=kh").get_data(as_text=True))


def test_several_name_words_each_start_either_name_in_name_order(client_as, team_a, team_b):
    """Each typed word starts the given or the family name (two may start the same one),
    and the list is in family name order: on SQLite the words are read one family-name
    word at a time, then the given name alone, and merged."""
    for given, family, team in [("Chloe", "Aaron", team_a), ("Carl", "Cole", team_a),
                                ("Zoe", "Clark", team_a), ("Ann", "Brown", team_a),
                                ("Jo", "Smith", team_a), ("Sam", "Jones", team_a),
                                ("Jo", "Jones", team_a), ("Cath", "Cane", team_b)]:
        make_referral(make_person(given_name=given, family_name=family), team)
    client = client_as("practitioner")

    def names(q):
        page = results(client.get("/people", query_string={"q": q}).get_data(as_text=True))
        return re.findall(r'<a href="/people/\d+">([^<]+)</a>', page)

    assert names("c c") == ["Chloe Aaron", "Zoe Clark", "Carl Cole"]
    assert names("c ch") == names("ch c") == ["Chloe Aaron"]
    assert names("j s") == names("s j") == ["Sam Jones", "Jo Smith"]
    assert names("c c c") == ["Chloe Aaron", "Zoe Clark", "Carl Cole"]


def test_find_by_date_of_birth_nhs_number_and_pnc_id(client_as, team_a):
    person = make_person(given_name="Dev", family_name="Patel", date_of_birth=dt.date(1979, 3, 27),
                         nhs_number=VALID_NHS, pnc_id="98/123456G")
    make_referral(person, team_a)
    client = client_as("practitioner")
    for q in ("27/03/1979", "1979-03-27", "patel 27/03/1979", "943 476 5919", "98/123456g",
              "27.03.79", "patel 27-03-79", "27 3 79", "27 March 1979", "dev 27 mar 1979"):
        page = client.get(f"/people?q={q}").get_data(as_text=True)
        assert "Dev Patel" in results(page), q
    assert "Dev Patel" not in results(client.get("/people?q=28/03/1979").get_data(as_text=True))


def test_a_pnc_id_is_found_however_its_year_and_serial_are_written(client_as, team_a):
    """98/123456G, 98/0123456G and 1998/123456G are one id: the search box and the duplicate
    check both know it."""
    person = make_person(given_name="Dev", family_name="Patel", pnc_id="98/123456G")
    make_referral(person, team_a)
    client = client_as("practitioner")
    for q in ("98/0123456G", "1998/123456g", "1998/0123456G", "98/123456G"):
        assert "Dev Patel" in results(client.get("/people", query_string={"q": q}).get_data(
            as_text=True)), q
    for q in ("98/123457Z", "97/123456Z", "98/123456Y"):
        assert "Dev Patel" not in results(client.get("/people", query_string={"q": q})
                                          .get_data(as_text=True)), q
    page = client.post_form("/people/new", register_data(
        team_a, nhs_number="", pnc_id="1998/0123456G")).get_data(as_text=True)
    assert "same pnc id" in page and Person.select().count() == 1


def test_a_two_digit_year_of_birth_is_in_the_past(client_as, team_a):
    """"13/07/56" is 1956, not 2056 (Python's %y): short years still find people born
    before 1969."""
    make_referral(make_person(given_name="Eric", family_name="Ball",
                              date_of_birth=dt.date(1956, 7, 13)), team_a)
    client = client_as("practitioner")
    for q in ("ball 13/07/56", "13/07/56"):
        assert "Eric Ball" in results(client.get(f"/people?q={q}").get_data(as_text=True)), q
    form = client.get("/people/new?q=ball 13/07/56").get_data(as_text=True)
    assert 'value="1956-07-13"' in form


def test_exact_match_in_another_team_shows_a_hint_and_access_can_be_requested(
        client_as, team_a, team_b):
    theirs = make_person(given_name="Grace", family_name="Mensah",
                         date_of_birth=dt.date(1992, 7, 1), nhs_number=VALID_NHS)
    their_referral = make_referral(theirs, team_b)
    client = client_as("practitioner")
    for q in ("9434765919", "grace mensah 01/07/1992"):
        page = client.get(f"/people?q={q}").get_data(as_text=True)
        assert "Known to another team" in results(page), q
        assert "Mensah" not in results(page).replace(q, "")  # nothing beyond what was typed
        assert f"/people/{theirs.id}" not in page
    response = client.post_form("/people/request-access", {"q": "9434765919"})
    assert response.status_code == 302
    [event] = actions("person.access_requested")
    assert (event.person_id, event.team_id) == (theirs.id, team_b.id)
    [timeline] = TimelineEvent.select()
    assert timeline.referral_id == their_referral.id and "asked for access" in timeline.summary
    # Still no access.
    assert client.get(f"/people/{theirs.id}").status_code == 404


def likely_match_buttons(page: str) -> list[str]:
    """The tokens of the register form's "Request access to this record" buttons."""
    return re.findall(r'form="request-access-form" name="match" value="([^"]+)"', page)


def test_access_is_requested_from_a_likely_match_the_search_box_would_not_find(
        client_as, app, team_a, team_b, users, other_team_user):
    """The duplicate check also matches similar names and PNC ids, which no search-box
    entry matches exactly: each hidden match's button sends that match, signed for the user."""
    similar = make_person(given_name="Amarah", family_name="Okafur",
                          date_of_birth=dt.date(1988, 4, 12))
    similar_referral = make_referral(similar, team_b)
    same_pnc = make_person(given_name="Someone", family_name="Else", pnc_id="98/123456G")
    make_referral(same_pnc, team_b)
    client = client_as("practitioner")
    page = client.post_form("/people/new", register_data(
        team_a, nhs_number="", pnc_id="98/123456G")).get_data(as_text=True)
    assert page.count("Known to another team") == 2
    assert "Okafur" not in page and "Someone" not in page
    tokens = likely_match_buttons(page)
    assert len(tokens) == 2 and Person.select().count() == 2  # nothing registered
    # A token does not show the record's id: the same match gives a different one each time.
    again = likely_match_buttons(client.post_form("/people/new", register_data(
        team_a, nhs_number="", pnc_id="98/123456G")).get_data(as_text=True))
    assert not set(tokens) & set(again)
    import base64
    import json
    payloads = [json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "==")) for t in tokens]
    assert {p["masked"] for p in payloads}.isdisjoint({similar.id, same_pnc.id})
    response = client.post_form("/people/request-access", {"match": tokens[0]})
    assert response.status_code == 302
    [event] = actions("person.access_requested")
    asked = {similar.id: similar_referral.id}.get(event.person_id)
    assert event.person_id in (similar.id, same_pnc.id) and event.team_id == team_b.id
    [timeline] = TimelineEvent.select()
    assert "asked for access" in timeline.summary
    if asked:
        assert timeline.referral_id == asked
    client.post_form("/people/request-access", {"match": tokens[1]})
    assert {e.person_id for e in actions("person.access_requested")} == {similar.id, same_pnc.id}
    assert client.get(f"/people/{similar.id}").status_code == 404  # still no access
    # The holding team's user cannot use the token (it is the practitioner's) ...
    other = app.test_client().sign_in(other_team_user)
    other.post_form("/people/request-access", {"match": tokens[0]})
    assert "made for another user" in other.get("/people/new").get_data(as_text=True)
    assert len(actions("person.access_requested")) == 2


@pytest.mark.parametrize("token", ["", "x", "../../etc/passwd", "<script>alert(1)</script>",
                                   "' OR 1=1 --", "e" * 5000])
def test_an_altered_access_request_token_records_nothing(client_as, team_a, team_b, token):
    hidden = make_person(given_name="Amarah", family_name="Okafur",
                         date_of_birth=dt.date(1988, 4, 12))
    make_referral(hidden, team_b)
    client = client_as("practitioner")
    [good] = likely_match_buttons(client.post_form(
        "/people/new", register_data(team_a, nhs_number="")).get_data(as_text=True))
    # A token for another person cannot be made by changing the one given.
    forged = token or good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    response = client.post_form("/people/request-access", {"match": forged})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is not valid" in page and "<script>alert" not in page
    assert actions("person.access_requested") == [] and TimelineEvent.select().count() == 0


def test_an_old_access_request_token_is_refused_and_a_visible_match_opens(
        client_as, app, team_a, team_b, users, monkeypatch):
    import time

    from itsdangerous import URLSafeTimedSerializer
    from itsdangerous.timed import TimestampSigner

    from blueprints.cases import access_requests
    hidden = make_person(given_name="Amarah", family_name="Okafur",
                         date_of_birth=dt.date(1988, 4, 12))
    referral = make_referral(hidden, team_b)
    client = client_as("practitioner")
    [token] = likely_match_buttons(client.post_form(
        "/people/new", register_data(team_a, nhs_number="")).get_data(as_text=True))
    # The same match, signed 13 hours ago.
    signer = URLSafeTimedSerializer(app.secret_key, salt=access_requests._SALT)
    with monkeypatch.context() as earlier:
        earlier.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 13 * 3600)
        with app.test_request_context():
            old = signer.dumps({"nonce": "n", "masked": hidden.id ^ access_requests._pad("n"),
                                "user": users["practitioner"].id})
    response = client.post_form("/people/request-access", {"match": old})
    assert "more than 12 hours old" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert actions("person.access_requested") == []
    # Once the record is shared with the practitioner's team, the button opens it.
    from models.people import ReferralShare
    ReferralShare.create(referral=referral, team=team_a, from_team=team_b, kind="share",
                         shared_by=users["manager"])
    response = client.post_form("/people/request-access", {"match": token})
    assert response.headers["Location"].endswith(f"/people/{hidden.id}")
    assert actions("person.access_requested") == []


def test_request_access_without_an_exact_match_records_nothing(client_as, team_a, team_b):
    make_referral(make_person(given_name="Grace", family_name="Mensah"), team_b)
    response = client_as("practitioner").post_form("/people/request-access", {"q": "grace"})
    assert response.status_code == 302
    assert actions("person.access_requested") == []


def test_person_page_is_audited_and_another_teams_person_is_404(client_as, team_a, team_b):
    mine = make_referral(make_person(), team_a).person
    theirs = make_referral(make_person(), team_b).person
    client = client_as("practitioner")
    assert client.get(f"/people/{mine.id}").status_code == 200
    assert [e.person_id for e in actions("person.viewed")] == [mine.id]
    assert client.get(f"/people/{theirs.id}").status_code == 404
    assert client.get("/people/abc").status_code == 404


def test_editing_a_person_is_audited_and_a_stale_form_is_refused(client_as, team_a):
    person = make_referral(make_person(given_name="Ola", family_name="Ade"), team_a).person
    client = client_as("practitioner")
    data = {"given_name": "Olamide", "family_name": "Ade", "date_of_birth": "1990-01-05",
            "gender": "man", "ethnicity": "black_african", "first_language": "Yoruba",
            "housing_status": "settled", "consent_scope": "full",
            "consent_date": "2026-01-02", "version": "1"}
    response = client.post_form(f"/people/{person.id}/edit", data)
    assert response.status_code == 303
    stored = Person.get_by_id(person.id)
    assert (stored.given_name, stored.given_key, stored.first_language, stored.version) == (
        "Olamide", "olamide", "Yoruba", 2)
    assert stored.consent_recorded_by_id is not None
    [event] = actions("person.changed")
    assert "given_name" in event.detail and "Olamide" not in event.detail
    stale = client.post_form(f"/people/{person.id}/edit", dict(data, given_name="Ola"))
    assert "Someone else changed this record" in stale.get_data(as_text=True)
    assert Person.get_by_id(person.id).given_name == "Olamide"
    # Where the record now differs from what was typed is listed, with its value now, and
    # the form keeps what was typed and takes the current version: saving again applies.
    page = stale.get_data(as_text=True)
    now = page.split('id="record-now"')[1].split("</div>")[0]
    assert "<li>Given name: Olamide</li>" in now and "Family name" not in now
    assert 'value="Ola"' in page and 'name="version" type="hidden" value="2"' in page
    # Saving the form unchanged writes nothing and records no change.
    same = client.post_form(f"/people/{person.id}/edit", dict(data, version="2"))
    assert same.status_code == 303
    assert "Nothing was changed" in client.get(same.headers["Location"]).get_data(as_text=True)
    assert Person.get_by_id(person.id).version == 2 and len(actions("person.changed")) == 1
    # Opening the form shows every detail held: it is a view of the record.
    before = len(actions("person.viewed"))
    client.get(f"/people/{person.id}/edit")
    assert [e.detail for e in actions("person.viewed")][before:] == ["edit form"]


def test_a_pnc_id_held_before_check_letters_were_checked_does_not_stop_other_changes(
        client_as, team_a):
    """A PNC id with a wrong check letter, saved before letters were checked, is kept when
    other details change; typed anew (or changed) it must pass the check."""
    person = make_referral(make_person(given_name="Ola", family_name="Ade",
                                       pnc_id="98/123456H"), team_a).person
    client = client_as("practitioner")
    data = {"given_name": "Olamide", "family_name": "Ade", "date_of_birth": "1990-01-05",
            "gender": "man", "ethnicity": "black_african", "first_language": "English",
            "housing_status": "settled", "pnc_id": "98/123456h", "version": "1"}
    assert client.post_form(f"/people/{person.id}/edit", data).status_code == 303
    assert Person.get_by_id(person.id).given_name == "Olamide"
    changed = client.post_form(f"/people/{person.id}/edit",
                               dict(data, pnc_id="98/123458H", version="2"))
    assert "The check letter of this PNC ID does not match" in changed.get_data(as_text=True)
    assert Person.get_by_id(person.id).pnc_id == "98/123456H"
    fixed = client.post_form(f"/people/{person.id}/edit",
                             dict(data, pnc_id="98/123456G", version="2"))
    assert fixed.status_code == 303 and Person.get_by_id(person.id).pnc_id == "98/123456G"
    # The id held, written another way (year in four digits, serial zero-padded), is the
    # same id: kept, not refused for a letter it already had.
    Person.update(pnc_id="98/123456H").where(Person.id == person.id).execute()
    respelled = client.post_form(f"/people/{person.id}/edit",
                                 dict(data, pnc_id="1998/0123456H", version="3"))
    assert respelled.status_code == 303


def test_a_stale_edit_lists_choices_and_dates_as_the_form_words_them(client_as, team_a):
    person = make_referral(make_person(given_name="Ola", family_name="Ade"), team_a).person
    Person.update(housing_status="rough_sleeping", date_of_birth=dt.date(1991, 2, 3),
                  ethnicity="black_african", interpreter_needed=True,
                  version=Person.version + 1).where(Person.id == person.id).execute()
    page = client_as("practitioner").post_form(f"/people/{person.id}/edit", {
        "given_name": "Ola", "family_name": "Ade", "date_of_birth": "1990-01-05",
        "gender": "not_stated", "ethnicity": "not_stated", "first_language": "English",
        "housing_status": "settled", "consent_scope": "", "version": "1"}).get_data(
        as_text=True)
    now = page.split('id="record-now"')[1].split("</div>")[0]
    for line in ("Housing: Rough sleeping", "Date of birth: 3 February 1991",
                 "Ethnicity: African", "Needs an interpreter: yes"):
        assert f"<li>{line}</li>" in now, now
    assert Person.get_by_id(person.id).housing_status == "rough_sleeping"


def test_consent_needs_its_date(client_as, team_a):
    person = make_referral(make_person(), team_a).person
    page = client_as("practitioner").post_form(f"/people/{person.id}/edit", {
        "given_name": "A", "family_name": "B", "date_of_birth": "1990-01-05",
        "gender": "man", "ethnicity": "not_stated", "first_language": "English",
        "housing_status": "settled", "consent_scope": "full", "version": "1"}).get_data(
        as_text=True)
    assert "Enter the date consent was given or refused" in page


def test_caseload_lists_my_referrals_and_pages_the_teams(client_as, team_a, team_b, users):
    import datetime as dt
    from models.people import ReferralShare
    make_referral(make_person(given_name="Mine", family_name="Assigned"), team_a,
              assigned_to=users["practitioner"])
    base = dt.datetime(2026, 1, 1)
    for n in range(35):
        make_referral(make_person(given_name=f"Team{n:02d}", family_name="Member"), team_a,
                      received_at=base + dt.timedelta(hours=n))
    shared = make_referral(make_person(given_name="Shared", family_name="In"), team_b,
                           received_at=base + dt.timedelta(days=30))
    ReferralShare.create(referral=shared, team=team_a, from_team=team_b, kind="share",
                         shared_by=users["manager"])
    make_referral(make_person(given_name="Hidden", family_name="Away"), team_b)
    make_referral(make_person(given_name="Closed", family_name="Case"), team_a,
                  status="closed", outcome="nfa")
    client = client_as("practitioner")
    page = client.get("/people").get_data(as_text=True)
    my_part, team_part = page.split("My caseload")[1].split("Open referrals in my teams", 1)
    assert "Mine Assigned" in my_part and "Team00" not in my_part
    assert "Shared In" in team_part and "Hidden" not in page and "Closed Case" not in page
    assert team_part.index("Shared In") < team_part.index("Team34 Member")
    assert "Team07 Member" in team_part and "Team06 Member" not in team_part  # 30 a page
    more = team_part.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.hx_get(more).get_data(as_text=True)
    assert "<html" not in fragment and "Team06 Member" in fragment
    assert "Team00 Member" in fragment and "Team07 Member" not in fragment
    assert client.get("/people?before=nonsense").status_code == 404


def test_my_caseload_pages_rather_than_stopping_at_thirty(client_as, team_a, team_b, users):
    """A practitioner with 33 open referrals sees 30, then the other three with "Show more",
    by htmx or as a whole page; nobody else's referrals are added along the way."""
    base = dt.datetime(2026, 2, 1)
    for n in range(33):
        make_referral(make_person(given_name=f"Mine{n:02d}", family_name="Caseload"), team_a,
                      assigned_to=users["practitioner"], received_at=base + dt.timedelta(hours=n))
    make_referral(make_person(given_name="Colleague", family_name="Case"), team_a,
                  assigned_to=users["manager"])
    make_referral(make_person(given_name="Other", family_name="Team"), team_b)
    client = client_as("practitioner")
    page = client.get("/people").get_data(as_text=True)
    my_part = page.split("My caseload")[1].split("Open referrals in my teams", 1)[0]
    assert "Mine32 Caseload" in my_part and "Mine03 Caseload" in my_part
    assert "Mine02 Caseload" not in my_part and "Colleague" not in my_part
    more = my_part.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert "Show more of my referrals" in my_part and "mine_before=" in more
    fragment = client.hx_get(more).get_data(as_text=True)
    assert "<html" not in fragment and "Show more of my referrals" not in fragment
    assert [f"Mine{n:02d}" for n in (2, 1, 0)] == re.findall(r"Mine\d\d", fragment)
    whole = client.get(more).get_data(as_text=True)  # without JavaScript, a whole page
    assert "Find a person" in whole and "Mine00 Caseload" in whole.split("Open referrals in")[0]
    for cursor in ("nonsense", "2026-01-01T00:00:00_99999999999", "<script>_1"):
        assert client.get("/people", query_string={"mine_before": cursor}).status_code == 404


def test_access_request_goes_to_the_hidden_record_not_my_own_namesake(client_as, team_a, team_b):
    dob = dt.date(1990, 2, 3)
    mine = make_person(given_name="Sam", family_name="Lee", date_of_birth=dob)
    make_referral(mine, team_a)
    theirs = make_person(given_name="Sam", family_name="Lee", date_of_birth=dob)
    make_referral(theirs, team_b)
    client = client_as("practitioner")
    page = client.get("/people?q=sam lee 03/02/1990").get_data(as_text=True)
    assert "Known to another team" in results(page) and f"/people/{mine.id}" in results(page)
    client.post_form("/people/request-access", {"q": "sam lee 03/02/1990"})
    [event] = actions("person.access_requested")
    assert event.person_id == theirs.id


@pytest.mark.parametrize("typed", ["12/04/1988", "12-04-1988", "12.04.1988", "12 04 1988",
                                   "1988-04-12"])
def test_a_date_typed_the_british_way_is_read(client_as, team_a, typed):
    """Without a date picker people type dates as they write them."""
    response = client_as("practitioner").post_form("/people/new", register_data(
        team_a, date_of_birth=typed))
    assert response.status_code == 303, typed
    assert Person.get().date_of_birth == dt.date(1988, 4, 12)


def test_an_unreadable_date_says_how_to_write_it_and_keeps_what_was_typed(client_as, team_a):
    page = client_as("practitioner").post_form("/people/new", register_data(
        team_a, date_of_birth="31/02/1988")).get_data(as_text=True)
    assert "Enter date of birth as a real date, like 27/03/1985" in page
    assert 'value="31/02/1988"' in page and Person.select().count() == 0
