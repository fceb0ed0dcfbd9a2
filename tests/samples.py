"""Sample URL arguments for the route walkers (access matrix, canary, mass assignment,
fuzzing, headers): how to make a real record of a given team for each URL argument.

    @sample("person_id")
    def person(team, values):
        return make_person(team).id       # a person whose records team `team` holds

A factory gets the team the record must belong to and the arguments already made for the
same URL (in the rule's order), so a `referral_id` can belong to the `person_id` before it:

    @sample("referral_id")
    def referral(team, values):
        person = values.get("person_id") or make_person(team).id
        return make_referral(person, team).id

`route_sample("part.endpoint")` supplies every argument of one route at once, for routes
whose arguments need each other in ways a per-argument factory cannot express.

Parts may register their samples here or in a module `tests/samples_<part>.py` (imported
automatically). A route argument without a sample fails the walkers: a route the tests
cannot reach is a route nobody checked.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Callable

import tests

SAMPLES: dict[str, Callable[[Any, dict], Any]] = {}
ROUTE_SAMPLES: dict[str, Callable[[Any], dict]] = {}
# endpoint -> the query string a route needs to answer at all (e.g. a paging cursor).
ROUTE_QUERIES: dict[str, str] = {}


class MissingSample(LookupError):
    """A route argument that no sample factory knows how to make."""


def sample(*names: str):
    """Register a factory for URL arguments called `names`."""
    def register(factory):
        for name in names:
            SAMPLES[name] = factory
        return factory
    return register


def route_sample(*endpoints: str):
    """Register a factory that makes every URL argument of `endpoints`."""
    def register(factory):
        for endpoint in endpoints:
            ROUTE_SAMPLES[endpoint] = factory
        return factory
    return register


def _load_part_samples() -> None:
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("samples_"):
            importlib.import_module(f"tests.{module.name}")


def url_values(rule, team) -> dict:
    """Arguments for `rule` naming records of `team` (made now, in the database)."""
    if rule.endpoint in ROUTE_SAMPLES:
        return dict(ROUTE_SAMPLES[rule.endpoint](team))
    values: dict = {"_endpoint": rule.endpoint}
    for name, converter in rule._converters.items():
        if name in values:
            continue  # made by an earlier argument's factory (a link and its file)
        if type(converter).__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif name in SAMPLES:
            values[name] = SAMPLES[name](team, values)
        else:
            raise MissingSample(
                f"{rule.endpoint}: no sample for URL argument {name!r}. Register one in "
                f"tests/samples.py (or tests/samples_<part>.py) with @sample({name!r}).")
    values.pop("_endpoint")
    return values


# -- Foundation --------------------------------------------------------------------------

@sample("user_id")
def _user(team, values):
    from tests.factories import make_user
    return make_user("practitioner", [team]).id


@sample("team_id")
def _team(team, values):
    return team.id



# -- Case work core: people and referrals ------------------------------------------------

@sample("person_id")
def _person(team, values):
    from tests.factories import make_person, make_referral
    person = make_person()
    make_referral(person, team)  # a person is the team's through a referral
    return person.id


@sample("referral_id")
def _referral(team, values):
    from models.people import Person
    from tests.factories import make_referral
    person = Person.get_or_none(Person.id == values["person_id"]) if "person_id" in values \
        else None
    return make_referral(person, team).id


@sample("hearing_id")
def _hearing(team, values):
    from models.people import Referral
    from tests.factories import make_hearing, make_referral
    referral = (Referral.get_by_id(values["referral_id"]) if "referral_id" in values
                else make_referral(None, team))
    return make_hearing(referral).id


_load_part_samples()


# -- Case work: notes, needs, follow-ups, exports ---------------------------------------

def _referral_of(team, values):
    from models.people import Referral
    from tests.factories import make_referral
    if "referral_id" in values:
        return Referral.get_by_id(values["referral_id"])
    if "person_id" in values:
        from models.people import Person
        return make_referral(Person.get_by_id(values["person_id"]), team)
    return make_referral(None, team)


def _team_user(team, role="practitioner"):
    from tests.factories import make_user
    return make_user(role, [team])


@sample("note_id")
def _note(team, values):
    from models.notes import CaseNote
    referral = _referral_of(team, values)
    return CaseNote.create(person=referral.person_id, referral=referral, team=team,
                           author=_team_user(team), note_type=_first_choice(CaseNote.note_type),
                           body="Seen at court; calm and oriented.").id


@sample("assessment_id")
def _assessment(team, values):
    from models.needs import NeedsAssessment
    referral = _referral_of(team, values)
    return NeedsAssessment.create(referral=referral, person=referral.person_id, team=team,
                                  assessed_by=_team_user(team)).id


@sample("follow_up_id")
def _follow_up(team, values):
    import datetime as dt

    from models.follow_ups import FollowUp
    referral = _referral_of(team, values)
    user = _team_user(team)
    return FollowUp.create(referral=referral, person=referral.person_id, team=team,
                           due_date=dt.date.today(), what="Ring the GP", assigned_to=user,
                           created_by=user).id


ROUTE_QUERIES["cases.timeline"] = "before=2100-01-01T00:00:00.000000_0_0"


@sample("fmt")
def _export_format(team, values):
    return "json"


def _first_choice(field):
    first = field.choices[0]
    return first[0] if isinstance(first, (tuple, list)) else first


# -- Letters ----------------------------------------------------------------------------

def _template_version():
    from blueprints.letters import defaults
    from models.letters import LetterTemplate
    if not LetterTemplate.select().exists():
        defaults.install_defaults()
    return LetterTemplate.select().order_by(LetterTemplate.id).first().latest_version()


@sample("template_id")
def _template(team, values):
    return _template_version().template_id


@route_sample("letters.download_version", "letters.preview_version")
def _template_and_version(team):
    version = _template_version()
    return {"template_id": version.template_id, "version_id": version.id}


@sample("document_id")
def _document(team, values):
    from models.files import store
    from models.letters import GeneratedDocument
    from tests.fixtures_uploads import docx_bytes
    referral = _referral_of(team, values)
    data = docx_bytes(("Letter to the court.",))
    stored = store(data, "application/vnd.openxmlformats-officedocument.wordprocessingml."
                   "document", "docx")
    return GeneratedDocument.create(referral=referral, person=referral.person_id, team=team,
                                    template_version=_template_version(),
                                    author=_team_user(team), file=stored, sha256=stored.sha256,
                                    file_name="letter.docx").id


@sample("batch_id")
def _batch(team, values):
    import datetime as dt

    from models.letters import LetterBatch
    from models.files import store
    stored = store(b"PK\x05\x06" + b"\x00" * 18, "application/zip", "zip")  # an empty zip
    return LetterBatch.create(team=team, template_version=_template_version(),
                              hearing_date=dt.date.today(), requested_by=_team_user(team, "manager"),
                              status="done", file=stored, total=0, done=0).id


# -- Library (guides and sheets are shared by every team; sessions belong to a team) -----

@sample("guide_id")
def _guide(team, values):
    from tests.library_data import make_guide
    return make_guide(_team_user(team, "trainer")).id


@sample("version_id")
def _guide_version(team, values):
    from models.library import GuideVersion
    from tests.library_data import make_guide
    guide = make_guide(_team_user(team, "trainer"))
    return GuideVersion.select().where(GuideVersion.guide == guide).first().id


@route_sample("library.thumbnail")
def _version_with_thumbnail(team):
    from models.files import store
    from models.library import GuideVersion
    version = GuideVersion.get_by_id(_guide_version(team, {}))
    png = (b"\x89PNG\r\n\x1a\n" + bytes.fromhex("0000000d49484452000000010000000108060000001f15c489")
           + bytes.fromhex("0000000a49444154789c6300010000050001") + b"\x0d\x0a\x2d\xb4"
           + bytes.fromhex("0000000049454e44ae426082"))
    version.thumbnail = store(png, "image/png", "png")
    version.save()
    return {"version_id": version.id}


@sample("sheet_id")
def _sheet(team, values):
    from tests.library_data import make_sheet
    return make_sheet(_team_user(team, "trainer")).id


@sample("training_session_id")
def _session(team, values):
    from tests.library_data import make_session
    return make_session(_team_user(team, "trainer"), team).id


@sample("attendee_id")
def _attendee(team, values):
    from models.library import Attendee
    session = values.get("session_id") or _session(team, values)
    # One who attended, when there is one: only they have a certificate.
    return (Attendee.select().where(Attendee.session == session)
            .order_by(Attendee.attended.desc(), Attendee.id).first().id)


@sample("link_id")
def _link(team, values):
    from models.library import TrainingSession
    from tests.library_data import make_link
    session = TrainingSession.get_by_id(_session(team, values))
    return make_link(_team_user(team, "trainer"), session=session, purpose="feedback")[0].id


@sample("token")
def _share_token(team, values):
    from models.library import GuideVersion
    from tests.library_data import make_guide, make_link
    guide = make_guide(_team_user(team, "trainer"))
    version = GuideVersion.select().where(GuideVersion.guide == guide).first()
    values["version_id"] = version.id  # the shared file the link reaches
    return make_link(_team_user(team, "trainer"), version=version)[1]


@route_sample("library.shared_feedback")
def _feedback_link(team):
    from models.library import TrainingSession
    from tests.library_data import make_link
    session = TrainingSession.get_by_id(_session(team, {}))
    return {"token": make_link(_team_user(team, "trainer"), session=session,
                               purpose="feedback")[1]}


# Library routes name a training session `session_id`; pathway routes name a pathway
# session the same way: the prefix of the endpoint decides.
@sample("session_id")
def _any_session(team, values):
    if values.get("_endpoint", "").startswith("pathways."):
        return _pathway_session(team, values)
    return _session(team, values)


# -- Service directory --------------------------------------------------------------------

@sample("service_id")
def _service(team, values):
    from tests.directory_factories import make_service
    return make_service().uuid  # services are named by their Open Referral uuid


@sample("service_referral_id")
def _service_referral(team, values):
    import datetime as dt

    from models.service_referrals import ServiceReferral
    from tests.directory_factories import make_service
    referral = _referral_of(team, values)
    return ServiceReferral.create(referral=referral, service=make_service(), team=team,
                                  reason="Debt advice", method="phone", sent_on=dt.date.today(),
                                  status_on=dt.date.today(), created_by=_team_user(team)).id


@route_sample("directory.import_preview")
def _import_preview(team):
    import json

    from models.directory import DirectoryImport
    made = DirectoryImport.create(uploaded_by=_team_user(team, "coordinator"), file_format="json",
                                  payload=json.dumps({"rows": []}))
    return {"token": made.token}


# -- Women's pathways and housing ---------------------------------------------------------

@sample("programme_id")
def _programme(team, values):
    from tests.pathways_factories import make_programme
    return make_programme().id


@sample("enrolment_id")
def _enrolment(team, values):
    from models.pathways import Enrolment
    from tests.pathways_factories import make_programme, make_woman_referral
    referral = make_woman_referral(team)
    return Enrolment.create(programme=make_programme(), person=referral.person_id,
                            referral=referral, team=team).id


def _pathway_session(team, values):
    import datetime as dt

    from models.pathways import PathwaySession
    return PathwaySession.create(enrolment=_enrolment(team, values),
                                 planned_on=dt.date.today()).id


@sample("goal_id")
def _goal(team, values):
    from models.pathways import Goal
    return Goal.create(enrolment=_enrolment(team, values), driver=_first_choice(Goal.driver),
                       text="Find a tenancy").id


@sample("driver")
def _driver(team, values):
    from models.pathways import Goal
    return _first_choice(Goal.driver)


@sample("unit_id")
def _unit(team, values):
    from tests.pathways_factories import make_property
    return make_property(team)[1][0].id


@sample("entry_id")
def _waiting_entry(team, values):
    from tests.pathways_factories import make_waiting
    return make_waiting(team).id


# -- Home page lists and monitoring reports ----------------------------------------------

@route_sample("dashboard.panel")
def _home_panel(team):
    from blueprints.dashboard.panels import PANELS
    return {"key": PANELS[0].key}


@route_sample("dashboard.report_csv")
def _report_table(team):
    return {"key": "referrals-by-source"}
