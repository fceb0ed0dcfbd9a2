"""Case-work benchmark data: 1,000 people and 10,000 notes per unit of scale (scale 100:
100k people, 1M notes), spread over the 20 bench teams, plus one person in the first team
with exactly 200 notes for the timeline page (record number TIMELINE_PERSON_ID).

Fast: names come from small pools made once with Faker, rows go in with insert_many in
batches, each batch in one transaction."""
from __future__ import annotations

import datetime as dt
import random
import time

from peewee import PostgresqlDatabase

from models.accounts import Membership, User
from models.base import db, utcnow
from models.follow_ups import FollowUp
from models.needs import NEED_DOMAINS, NeedRating, NeedsAssessment
from models.notes import CaseNote
from models.people import Hearing, Person, Referral, name_key

TIMELINE_PERSON_ID = 900_001
TIMELINE_NOTES = 200
BATCH = 2000

SENTENCES = [
    "Seen in the cells this morning, calm and engaged.",
    "Housing officer called about the hostel place.",
    "GP surgery confirmed registration; review booked.",
    "Reports low mood and poor sleep for several months.",
    "Drinks most days; open to a referral to the alcohol service.",
    "Bail granted with a condition of residence.",
    "Court adjourned for a pre-sentence report.",
    "Debt advice appointment offered at the outreach session.",
    "Missed the appointment; left a voicemail.",
    "Probation officer updated on the support plan.",
    "Talked through what will happen in court today.",
    "Community mental health team accepted the referral for triage.",
    "Concerns about a partner discussed; safety plan agreed.",
    "Needs help reading letters; information explained slowly.",
    "Benefits claim submitted with support from the key worker.",
    "Attended the women's centre group session.",
]
NOTE_TYPES = ["contact"] * 5 + ["assessment", "court_attendance", "liaison", "liaison",
                                "referral", "supervision", "other", "safeguarding"]


def valid_nhs_numbers(start: int):
    """Valid NHS numbers (in the 999 test range), in order from `start`."""
    n = start
    while True:
        digits = f"999{n:06d}"[-9:]
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1)))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        n += 1
        if check != 10:
            yield digits + str(check)


def _batches(rows, size=BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(model, rows) -> None:
    for batch in _batches(rows):
        with db.atomic():
            model.insert_many(batch).execute()


def generate_case_work(ctx, scale: int) -> None:
    started = time.perf_counter()
    if not isinstance(db.obj, PostgresqlDatabase):
        # Throw-away bench data: no need to wait for the disk after every batch.
        db.execute_sql("PRAGMA synchronous = OFF")
    rng = random.Random(11)
    fake = ctx.fake
    given_pool = [fake.first_name() for _ in range(400)]
    family_pool = [fake.last_name() for _ in range(600)]
    teams = [t.id for t in ctx.teams]
    staff: dict[int, list[int]] = {}
    for m in (Membership.select(Membership.team, Membership.user)
              .join(User).where(User.role.in_(["practitioner", "manager"]))):
        staff.setdefault(m.team_id, []).append(m.user_id)
    for team_id in teams:
        staff.setdefault(team_id, [ctx.users["manager"].id])
    me = ctx.users["practitioner"].id
    now = utcnow()
    people_count = 1000 * scale
    note_count = 10_000 * scale
    numbers = valid_nhs_numbers(1)

    # People, with the timeline person first (a fixed record number the scenario opens).
    people = []
    for i in range(people_count):
        given, family = rng.choice(given_pool), rng.choice(family_pool)
        row = {"given_name": given, "family_name": family, "given_key": name_key(given),
               "family_key": name_key(family),
               "date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 18000)),
               "gender": "woman" if rng.random() < 0.25 else "man",
               "ethnicity": rng.choice(["black_african", "black_caribbean", "white_british",
                                        "asian_bangladeshi", "mixed_other", "white_other"]),
               "nhs_number": next(numbers), "created_at": now, "updated_at": now}
        if i == 0:
            row["id"] = TIMELINE_PERSON_ID
        people.append(row)
    _insert(Person, people[:1])
    _insert(Person, people[1:])
    person_ids = [TIMELINE_PERSON_ID] + [
        p.id for p in Person.select(Person.id).where(Person.id != TIMELINE_PERSON_ID)
        .order_by(Person.id.desc()).limit(people_count - 1)][::-1]

    # One referral per person (a fifth have a second, closed one), team by person.
    referrals = []
    for i, person_id in enumerate(person_ids):
        team_id = teams[i % len(teams)]
        for k in range(2 if rng.random() < 0.2 else 1):
            received = now - dt.timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 900))
            referrals.append({
                "person": person_id, "team": team_id, "received_at": received,
                "source": rng.choice(["police_custody", "magistrates_court", "probation"]),
                "screening_route": rng.choice(["proactive", "reactive"]),
                "reason": "Referred by the court duty solicitor.",
                "assigned_to": (me if team_id == teams[0] and rng.random() < 0.1
                                else rng.choice(staff[team_id])),
                "status": "closed" if k else ("open" if rng.random() < 0.6 else "closed"),
                "outcome": "diverted" if k else None, "created_at": received})
    _insert(Referral, referrals)
    ref_rows = list(Referral.select(Referral.id, Referral.person, Referral.team,
                                    Referral.received_at).tuples())
    first_referral = next(r for r in ref_rows if r[1] == TIMELINE_PERSON_ID)

    # Notes: 200 on the timeline person, the rest spread at random; time stamps grow with
    # the note number, as they do when notes are written.
    start = now - dt.timedelta(days=700)
    step = dt.timedelta(days=700) / max(note_count, 1)
    notes = []
    every = max(note_count // TIMELINE_NOTES, 1)
    for n in range(note_count):
        if n % every == 0 and n // every < TIMELINE_NOTES:
            ref = first_referral
        else:
            ref = ref_rows[rng.randrange(len(ref_rows))]
            if ref[1] == TIMELINE_PERSON_ID:
                ref = ref_rows[-1]
        body = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        notes.append({"person": ref[1], "referral": ref[0], "team": ref[2],
                      "author": rng.choice(staff[ref[2]]), "note_type": rng.choice(NOTE_TYPES),
                      "body": body, "created_at": start + step * n})
        if len(notes) >= 20_000:
            _insert(CaseNote, notes)
            notes = []
    _insert(CaseNote, notes)

    # Needs on a tenth of referrals, follow-ups and hearings for the first team.
    assessments = [{"referral": r[0], "person": r[1], "team": r[2],
                    "assessed_by": rng.choice(staff[r[2]]), "assessed_at": r[3]}
                   for r in ref_rows[::10]]
    _insert(NeedsAssessment, assessments)
    ratings = []
    for (assessment_id,) in NeedsAssessment.select(NeedsAssessment.id).tuples():
        for domain in NEED_DOMAINS:
            ratings.append({"assessment": assessment_id, "domain": domain,
                            "level": rng.choice(["none", "none", "low", "medium", "high"])})
        if len(ratings) >= 30_000:
            _insert(NeedRating, ratings)
            ratings = []
    _insert(NeedRating, ratings)
    today = dt.date.today()
    mine = [r for r in ref_rows if r[2] == teams[0]][:400]
    _insert(FollowUp, [{"referral": r[0], "person": r[1], "team": r[2],
                        "due_date": today + dt.timedelta(days=rng.randint(-10, 10)),
                        "what": "Check in after the hearing", "assigned_to": me,
                        "created_by": me} for r in mine])
    _insert(Hearing, [{"referral": r[0], "court": "Highbury Corner Magistrates' Court",
                       "date": today, "time": dt.time(10, 0), "courtroom": "1",
                       "purpose": "first_appearance"} for r in mine[:30]])
    if not isinstance(db.obj, PostgresqlDatabase):
        db.execute_sql("PRAGMA synchronous = FULL")
        db.execute_sql("ANALYZE")
    print(f"case work: {people_count} people, {len(ref_rows)} referrals, "
          f"{note_count} notes in {time.perf_counter() - started:.0f}s")
