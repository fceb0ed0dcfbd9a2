"""The housing board and a pathway caseload cost the same handful of queries however
many units, placements, waiting-list entries and enrolments there are (no query per row)."""
import datetime as dt
import logging
import re
from contextlib import contextmanager

from models.housing import Placement, Unit, WaitingEntry
from models.pathways import Enrolment, EnrolmentDriver, PathwaySession
from tests.pathways_factories import (make_programme, make_property, make_waiting,
                                      make_woman_referral)


@contextmanager
def counting_queries():
    """Every SQL statement peewee runs inside the block (peewee logs each at DEBUG)."""
    seen: list = []

    class Collect(logging.Handler):
        def emit(self, record):
            seen.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Collect(level=logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def queries_for(client, url, htmx=False) -> list:
    client.get(url)  # warm: the first request of a session does one-off work
    with counting_queries() as seen:
        response = client.hx_get(url) if htmx else client.get(url)
    assert response.status_code == 200
    return seen


PART_TABLES = re.compile(r'"(property|housing_unit|placement|waiting_entry|housing_event|'
                         r'programme|enrolment|enrolment_driver|pathway_session)"')


def own(seen) -> list[str]:
    """The statements that read the part's own tables (not sign-in, sessions or audit)."""
    return [q[0] for q in seen if isinstance(q, tuple) and PART_TABLES.search(q[0])]


def add_board_rows(team, n, tag):
    """`n` more units (half occupied, with the placement's waiting entry and referral)
    and `n` more women waiting."""
    _, units = make_property(team, units=[f"{tag} {k}" for k in range(n)], name=f"{tag} House")
    for k, unit in enumerate(units):
        if k % 2 == 0:
            entry = make_waiting(team)
            WaitingEntry.update(status="placed").where(WaitingEntry.id == entry.id).execute()
            Placement.create(unit=unit, person=entry.person_id, waiting_entry=entry,
                             moved_in_on=dt.date.today() - dt.timedelta(days=k + 3))
            Unit.update(status="occupied").where(Unit.id == unit.id).execute()
    for _ in range(n):
        make_waiting(team)


def test_the_board_costs_the_same_queries_for_3_or_30_units(client_as, team_a):
    client = client_as("coordinator")
    add_board_rows(team_a, 3, "Small")
    small = queries_for(client, "/housing/")
    add_board_rows(team_a, 27, "Large")
    large = queries_for(client, "/housing/")
    assert len(large) == len(small), [q[0] for q in large]
    # Properties; units with their changer and open placement; the waiting list; the
    # newest history id (for polling).
    assert len(own(large)) == 4, own(large)
    assert len(queries_for(client, "/housing/", htmx=True)) <= len(small)


def add_enrolments(team, sar, n):
    for k in range(n):
        referral = make_woman_referral(team)
        enrolment = Enrolment.create(programme=sar, person=referral.person_id,
                                     referral=referral, team=team, eligibility_answers="[]",
                                     last_contact_on=dt.date.today() - dt.timedelta(days=k))
        for driver in ("housing", "finances_debt", "mental_health"):
            EnrolmentDriver.create(enrolment=enrolment, driver=driver)
        for s in range(3):
            PathwaySession.create(enrolment=enrolment, status="attended" if s else "planned",
                                  planned_on=dt.date.today() + dt.timedelta(days=7 * s - 7))


def test_a_caseload_costs_the_same_queries_for_2_or_40_women(client_as, team_a):
    client = client_as("coordinator")
    sar = make_programme("sar")
    add_enrolments(team_a, sar, 2)
    small = queries_for(client, f"/pathways/{sar.id}/caseload")
    add_enrolments(team_a, sar, 38)
    large = queries_for(client, f"/pathways/{sar.id}/caseload")
    assert len(large) == len(small), [q[0] for q in large]
    # The programme; the women with sessions used and next session; their drivers.
    assert len(own(large)) == 3, own(large)
