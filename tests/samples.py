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
    values: dict = {}
    for name, converter in rule._converters.items():
        if type(converter).__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif name in SAMPLES:
            values[name] = SAMPLES[name](team, values)
        else:
            raise MissingSample(
                f"{rule.endpoint}: no sample for URL argument {name!r}. Register one in "
                f"tests/samples.py (or tests/samples_<part>.py) with @sample({name!r}).")
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
