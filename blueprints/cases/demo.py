"""Demo case work: about 200 fictional people with referrals across the demo teams,
hearings (some today), needs assessments, case notes and follow-ups. Every name, number and
event is made up (Faker en_GB; NHS numbers in the 999 test range with a valid check digit).
Idempotent: nothing is added when the demo people are already there."""
from __future__ import annotations

import datetime as dt
import random

from models.base import utcnow, writing
from models.follow_ups import FollowUp, london_today
from models.identifiers import nhs_number_is_valid, pnc_check_letter
from models.needs import NEED_DOMAINS, NeedRating, NeedsAssessment
from models.notes import CaseNote
from models.people import Hearing, Person, Referral, ReferralShare

PEOPLE = 200
MARKER_NHS = "9990000018"  # the first demo person's NHS number: present means seeded

# Roughly the mix the London teams see: most people are Black, Asian or from another
# minority ethnic group.
ETHNIC_MIX = [("black_caribbean", 14), ("black_african", 14), ("black_other", 4),
              ("white_british", 20), ("white_irish", 3), ("white_other", 7),
              ("white_gypsy_traveller", 2), ("asian_bangladeshi", 7), ("asian_pakistani", 4),
              ("asian_indian", 3), ("asian_other", 2), ("mixed_white_black_caribbean", 6),
              ("mixed_other", 3), ("other_arab", 3), ("other_any", 2), ("not_stated", 4)]
TEAM_SOURCES = {
    "custody": ["police_custody"],
    "magistrates": ["magistrates_court", "police_custody", "probation"],
    "crown": ["crown_court", "magistrates_court"],
    "probation": ["probation", "prison", "magistrates_court"],
    "women": ["magistrates_court", "police_custody", "self", "other_agency", "probation"],
}
COURTS = {"magistrates": "Highbury Corner Magistrates' Court",
          "custody": "Highbury Corner Magistrates' Court",
          "crown": "Snaresbrook Crown Court", "women": "Thames Magistrates' Court",
          "probation": "Highbury Corner Magistrates' Court"}
REASONS = [
    "Flagged on the prisoner escort record: low mood and self-harm history.",
    "Duty solicitor concerned about understanding of proceedings.",
    "Custody sergeant reports distress and disorientation overnight.",
    "Known to the community mental health team; missed last two appointments.",
    "Court usher noticed the person appeared to be responding to voices.",
    "Probation officer requests assessment before the pre-sentence report.",
    "Self-referral after release: no accommodation and no GP.",
    "Family worried about alcohol use and recent eviction notice.",
]
NOTES = {
    "contact": ["Seen in the cells at {t}. Calm and engaged; agreed to a health and wellbeing "
                "assessment.", "Phoned on the number given. No answer; left a message with "
                "our number.", "Met at the court cafe before the hearing. Anxious about the "
                "outcome; talked through what will happen in court today."],
    "assessment": ["First-level assessment completed. Reports poor sleep, low mood for "
                   "several months and daily cannabis use.\nNo current thoughts of suicide; "
                   "history of self-harm as a teenager.", "Screened for learning disability "
                   "and communication needs: struggles with written information, prefers "
                   "things explained slowly."],
    "court_attendance": ["Attended court {room}. Bail granted with conditions of residence; "
                         "report to the court on support offered was accepted.",
                         "Written report given to the legal adviser before the hearing. "
                         "Adjourned for a pre-sentence report."],
    "liaison": ["Spoke to the GP surgery: registered, last seen two years ago. They will "
                "offer a review appointment.", "Liaised with the housing options team about "
                "a homelessness application.", "Called the community mental health team duty "
                "worker; referral accepted for triage."],
    "referral": ["Referred to the local drug and alcohol service; first appointment offered "
                 "for next week.", "Referred to debt advice at the Citizens Advice outreach "
                 "session."],
    "safeguarding": ["Disclosed controlling behaviour by a partner. Safety plan discussed; "
                     "referral to the domestic abuse service with consent."],
    "supervision": ["Discussed in supervision: keep engaged through weekly calls; review "
                    "after the sentencing hearing."],
    "other": ["Letter received from the solicitor confirming the next hearing date."],
}


def demo_nhs_number(n: int) -> str:
    """The n-th valid NHS number in the 999 test range (never issued to a real person)."""
    base = n * 7
    while True:
        digits = f"999{base:06d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1)))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        base += 1
        if check != 10:
            number = digits + str(check)
            assert nhs_number_is_valid(number)
            return number


def demo_pnc_id(rng) -> str:
    """A PNC id in the police format with its right check letter."""
    year, serial = f"{rng.randint(10, 25):02d}", str(rng.randint(1000, 999999))
    return f"{year}/{serial}{pnc_check_letter(year, serial)}"


def _weighted(rng, pairs):
    keys, weights = zip(*pairs)
    return rng.choices(keys, weights=weights)[0]


def seed_demo(demo) -> None:
    """People, referrals, hearings, needs, notes and follow-ups for the demo teams."""
    if Person.select().where(Person.nhs_number == MARKER_NHS).exists():
        return
    rng = random.Random(2026)
    fake = demo.fake
    teams = demo.teams
    users = demo.users
    workers = {
        "magistrates": [users["practitioner"], users["manager"]],
        "custody": [users["practitioner"], users["manager"]],
        "crown": [users["manager"]],
        "women": [users["coordinator"], users["manager"]],
        "probation": [users["probation"]],
    }
    today = london_today()
    now = utcnow()
    with writing():
        for n in range(PEOPLE):
            team_key = rng.choices(["magistrates", "custody", "crown", "probation", "women"],
                                   weights=[30, 25, 10, 15, 20])[0]
            woman = team_key == "women" or rng.random() < 0.1
            given = fake.first_name_female() if woman else fake.first_name_male()
            dob = fake.date_of_birth(minimum_age=18, maximum_age=70)
            person = Person.create(
                given_name=given, family_name=fake.last_name(), date_of_birth=dob,
                gender="woman" if woman else rng.choice(["man"] * 20 + ["non_binary"]),
                ethnicity=_weighted(rng, ETHNIC_MIX),
                nhs_number=MARKER_NHS if n == 0 else demo_nhs_number(n + 1),
                pnc_id=demo_pnc_id(rng) if rng.random() < 0.6 else None,
                phone=fake.phone_number() if rng.random() < 0.7 else "",
                address=fake.address() if rng.random() < 0.6 else "",
                housing_status=rng.choice(["settled", "temporary", "supported", "sofa_surfing",
                                           "rough_sleeping", "no_fixed_abode", "not_known"]),
                gp_practice=f"{fake.last_name()} Medical Centre" if rng.random() < 0.6 else "",
                first_language=rng.choice(["English"] * 8 + ["Somali", "Bengali", "Polish",
                                                             "Turkish", "Portuguese"]),
                communication_needs=",".join(rng.sample(
                    ["speech_language", "learning_disability", "neurodiversity"],
                    k=rng.choice([0, 0, 0, 1, 1, 2]))),
                consent_scope=rng.choice(["full", "full", "court_only", None]),
                created_by=users["practitioner"].id)
            if person.consent_scope:
                person.consent_date = dob.replace(year=today.year - 1)
                person.save()
            for k in range(rng.choice([1, 1, 1, 2])):
                _seed_referral(rng, person, team_key if k == 0 else rng.choice(
                    ["magistrates", "custody", "probation"]), teams, workers, today, now, n, k)


def _seed_referral(rng, person, team_key, teams, workers, today, now, n, k):
    team = teams[team_key]
    staff = workers[team_key]
    received = now - dt.timedelta(days=rng.randint(0, 120) + 200 * k, hours=rng.randint(0, 10))
    referral = Referral.create(
        person=person, team=team, received_at=received,
        source=rng.choice(TEAM_SOURCES[team_key]),
        screening_route=rng.choice(["proactive", "reactive"]),
        reason=rng.choice(REASONS), assigned_to=rng.choice(staff).id,
        created_by=staff[0].id)
    if rng.random() < 0.3:
        referral.triage_date = (received + dt.timedelta(days=1)).date()
        referral.triage_result = rng.choice(["accepted", "advice", "declined", "pending"])
    if k > 0 or rng.random() < 0.3:
        referral.apply_status_change("closed", outcome=rng.choice(
            ["diverted", "bail_support", "community_order", "community_order_mhtr",
             "community_order_sar", "remand", "custody", "nfa"]),
            closure_reason="Support in place; no further court involvement.")
        referral.closed_at = received + dt.timedelta(days=rng.randint(5, 60))
    referral.save()
    if team_key in ("magistrates", "crown", "women", "custody") and k == 0:
        day = today if n % 10 == 0 else today + dt.timedelta(days=rng.randint(-30, 30))
        Hearing.create(referral=referral, court=COURTS[team_key], date=day,
                       time=dt.time(rng.choice([9, 10, 10, 11, 14]), rng.choice([0, 30])),
                       courtroom=str(rng.randint(1, 8)),
                       purpose=rng.choice(["first_appearance", "bail", "sentence", "review"]))
    if team_key == "magistrates" and n % 15 == 3:
        # Court to probation: shared for supervision after sentence.
        ReferralShare.create(referral=referral, team=teams["probation"], from_team=team,
                             kind="share", reason="Community order: probation supervision",
                             shared_by=staff[0].id)
    levels = {}
    for visit in range(rng.choice([1, 1, 2])):
        assessment = NeedsAssessment.create(
            referral=referral, person=person, team=team, assessed_by=rng.choice(staff).id,
            assessed_at=received + dt.timedelta(hours=2, days=14 * visit))
        rows = []
        for domain in NEED_DOMAINS:
            if domain not in levels or rng.random() < 0.3:
                levels[domain] = rng.choices(["none", "low", "medium", "high"],
                                             weights=[50, 20, 18, 12])[0]
            rows.append({"assessment": assessment.id, "domain": domain,
                         "level": levels[domain],
                         "note": "Discussed at assessment." if levels[domain] == "high" else ""})
        NeedRating.insert_many(rows).execute()
    when = received
    for _ in range(rng.randint(3, 12)):
        when += dt.timedelta(hours=rng.randint(1, 72))
        if when > now:
            break
        kind = rng.choices(list(NOTES), weights=[30, 10, 15, 20, 10, 4, 5, 6])[0]
        body = rng.choice(NOTES[kind]).format(t=f"{rng.randint(7, 11):02d}:{rng.choice(['05', '20', '45'])}",
                                              room=f"court {rng.randint(1, 8)}")
        CaseNote.create(person=person, referral=referral, team=team,
                        author=rng.choice(staff).id, note_type=kind, body=body, created_at=when)
    if referral.is_open:
        for _ in range(rng.choice([0, 1, 1, 2])):
            FollowUp.create(referral=referral, person=person, team=team,
                            due_date=today + dt.timedelta(days=rng.randint(-5, 12)),
                            what=rng.choice(["Call to check GP appointment was kept",
                                             "Chase the housing application",
                                             "Confirm attendance at the drug service",
                                             "Send the court the update letter",
                                             "Check the benefits claim went in"]),
                            assigned_to=rng.choice(staff).id, created_by=staff[0].id)
