"""People and their referrals (episodes): the records every case-work screen is about.

A person is visible to a team when the team holds a referral for them, or a referral of
theirs has been shared with the team (a transfer makes the receiving team the holder).
Nobody else sees them.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, SQL, TextField, TimeField, fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .identifiers import format_nhs_number

GENDERS = {
    "woman": "Woman (including trans woman)",
    "man": "Man (including trans man)",
    "non_binary": "Non-binary",
    "other": "In another way",
    "not_stated": "Not stated",
}

# ONS 2021 census ethnic groups, England and Wales, plus "not stated".
ETHNIC_GROUPS = [
    ("Asian, Asian British or Asian Welsh", [
        ("asian_bangladeshi", "Bangladeshi"), ("asian_chinese", "Chinese"),
        ("asian_indian", "Indian"), ("asian_pakistani", "Pakistani"),
        ("asian_other", "Any other Asian background")]),
    ("Black, Black British, Black Welsh, Caribbean or African", [
        ("black_african", "African"), ("black_caribbean", "Caribbean"),
        ("black_other", "Any other Black, Black British, or Caribbean background")]),
    ("Mixed or Multiple ethnic groups", [
        ("mixed_white_asian", "White and Asian"),
        ("mixed_white_black_african", "White and Black African"),
        ("mixed_white_black_caribbean", "White and Black Caribbean"),
        ("mixed_other", "Any other Mixed or Multiple ethnic background")]),
    ("White", [
        ("white_british", "English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", "Irish"), ("white_gypsy_traveller", "Gypsy or Irish Traveller"),
        ("white_roma", "Roma"), ("white_other", "Any other White background")]),
    ("Other ethnic group", [
        ("other_arab", "Arab"), ("other_any", "Any other ethnic group")]),
    ("Not stated", [("not_stated", "Not stated")]),
]
ETHNICITIES = {key: label for _, items in ETHNIC_GROUPS for key, label in items}
ETHNICITY_GROUP = {key: group for group, items in ETHNIC_GROUPS for key, _ in items}

HOUSING_STATUSES = {
    "settled": "Settled accommodation",
    "temporary": "Temporary accommodation",
    "supported": "Supported accommodation",
    "sofa_surfing": "Sofa surfing",
    "rough_sleeping": "Rough sleeping",
    "no_fixed_abode": "No fixed abode",
    "custody": "In custody",
    "not_known": "Not known",
}

COMMUNICATION_NEEDS = {
    "speech_language": "Speech, language and communication needs",
    "learning_disability": "Learning disability",
    "neurodiversity": "Neurodiversity (for example autism, ADHD)",
}

CONSENT_SCOPES = {
    "full": "Share with agencies involved in their care and with the court",
    "court_only": "Share with the court only",
    "health_only": "Share with health services only",
    "none": "No consent to share",
}

REFERRAL_SOURCES = {
    "police_custody": "Police custody",
    "magistrates_court": "Magistrates' court",
    "crown_court": "Crown court",
    "probation": "Probation",
    "prison": "Prison",
    "self": "Self",
    "family": "Family",
    "other_agency": "Other agency",
}

SCREENING_ROUTES = {
    "proactive": "Proactive (e.g. prisoner escort record)",
    "reactive": "Reactive referral",
}

REFERRAL_STATUSES = {"open": "Open", "closed": "Closed"}
# status -> statuses it may change to. Closing needs an outcome; reopening clears it.
STATUS_CHANGES = {"open": {"closed"}, "closed": {"open"}}

OUTCOMES = {
    "diverted": "Diverted to community services",
    "bail_support": "Bail with support",
    "community_order": "Community order",
    "community_order_mhtr": "Community order with MHTR",
    "community_order_sar": "Community order with SAR",
    "remand": "Remand",
    "custody": "Custody",
    "nfa": "No further action",
    "other": "Other",
}

HEARING_PURPOSES = {
    "first_appearance": "First appearance",
    "bail": "Bail",
    "sentence": "Sentence",
    "review": "Review",
}

TRIAGE_RESULTS = {
    "accepted": "Accepted by psychiatric liaison",
    "advice": "Advice given",
    "declined": "Not accepted",
    "pending": "Awaiting response",
}


def name_key(name: str | None) -> str:
    """A name as it is searched: lower case, accents and punctuation dropped
    ("O'Brien-Núñez" -> "obriennunez"), so that a search box finds it however it is typed."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]|_", "", text.lower())[:100]


class StatusChangeRefused(ValueError):
    """A referral status change the rules do not allow; str() is the message for the user."""


class Person(BaseModel):
    given_name = CharField(max_length=100)
    family_name = CharField(max_length=100)
    preferred_name = CharField(max_length=100, default="")
    date_of_birth = DateField(null=True, index=True)
    gender = CharField(max_length=20, default="not_stated", choices=list(GENDERS.items()))
    ethnicity = CharField(max_length=40, default="not_stated",
                          choices=list(ETHNICITIES.items()))
    pronouns = CharField(max_length=40, default="")
    # Ten digits, no spaces. One record per NHS number: enforced by a unique index.
    nhs_number = CharField(max_length=10, null=True, unique=True)
    pnc_id = CharField(max_length=20, null=True, index=True)
    phone = CharField(max_length=40, default="")
    address = TextField(default="")
    housing_status = CharField(max_length=20, default="not_known",
                               choices=list(HOUSING_STATUSES.items()))
    gp_practice = CharField(max_length=200, default="")
    first_language = CharField(max_length=60, default="English")
    interpreter_needed = BooleanField(default=False)
    # Keys of COMMUNICATION_NEEDS, comma-separated ("" when none).
    communication_needs = CharField(max_length=200, default="")
    consent_scope = CharField(max_length=20, null=True, choices=list(CONSENT_SCOPES.items()))
    consent_date = DateField(null=True)
    consent_recorded_by = ForeignKeyField(User, null=True, on_delete="RESTRICT",
                                          backref="+")
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    # Search keys (see name_key), kept in step with the names by save().
    family_key = CharField(max_length=100, default="", index=True)
    given_key = CharField(max_length=100, default="", index=True)

    class Meta:
        table_name = "person"
        # The search box walks these in name order and stops at a page of results.
        indexes = ((("family_name", "given_name"), False),
                   (("family_key", "given_key", "id"), False),
                   (("given_key", "family_key", "id"), False))

    def save(self, *args, **kwargs):
        self.family_key = name_key(self.family_name)
        self.given_key = name_key(self.given_name)
        return super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def display_name(self) -> str:
        """Full name, with the preferred name in brackets when it differs."""
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{self.full_name} ({self.preferred_name})"
        return self.full_name

    @property
    def nhs_number_display(self) -> str:
        return format_nhs_number(self.nhs_number)

    @property
    def communication_need_keys(self) -> list[str]:
        return [k for k in (self.communication_needs or "").split(",") if k]

    def age_on(self, day: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @classmethod
    def visible_to(cls, team_ids: set[int] | None):
        """People whose records the given teams may see (None: every team, for admins)."""
        return cls.select().where(cls.visible_condition(team_ids))

    @classmethod
    def visible_condition(cls, team_ids: set[int] | None):
        """A WHERE condition on Person: the teams hold (or were given) a referral for them.
        A correlated EXISTS, so each candidate costs one indexed lookup however many people
        the teams work with."""
        if team_ids is None:
            return SQL("1 = 1")
        return fn.EXISTS(Referral.visible_to(team_ids).select(SQL("1"))
                         .where(Referral.person == cls.id))


class Referral(BaseModel):
    """One episode of contact with the justice system, held by one team."""
    person = ForeignKeyField(Person, backref="referrals", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="referrals", on_delete="RESTRICT")
    received_at = DateTimeField(default=utcnow)  # instant, UTC
    source = CharField(max_length=30, choices=list(REFERRAL_SOURCES.items()))
    screening_route = CharField(max_length=20, choices=list(SCREENING_ROUTES.items()))
    reason = TextField(default="")
    assigned_to = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    status = CharField(max_length=10, default="open", choices=list(REFERRAL_STATUSES.items()))
    outcome = CharField(max_length=30, null=True, choices=list(OUTCOMES.items()))
    closure_reason = TextField(default="")
    closed_at = DateTimeField(null=True)
    triage_date = DateField(null=True)
    triage_result = CharField(max_length=20, null=True, choices=list(TRIAGE_RESULTS.items()))
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "referral"
        indexes = ((("team", "status"), False), (("person", "received_at"), False),
                   (("team", "status", "received_at"), False),
                   (("assigned_to", "status"), False))

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def source_label(self) -> str:
        return REFERRAL_SOURCES.get(self.source, self.source)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")

    def check_status_change(self, new_status: str, outcome: str | None = None) -> None:
        """Raise StatusChangeRefused unless the referral may move to `new_status`."""
        if new_status not in REFERRAL_STATUSES:
            raise StatusChangeRefused(f"“{new_status}” is not a referral status.")
        if new_status not in STATUS_CHANGES[self.status]:
            raise StatusChangeRefused(
                f"This referral is already {REFERRAL_STATUSES[self.status].lower()}.")
        if new_status == "closed" and outcome not in OUTCOMES:
            raise StatusChangeRefused("Choose the outcome before closing the referral.")

    def apply_status_change(self, new_status: str, *, outcome: str | None = None,
                            closure_reason: str = "") -> None:
        """Change status in memory after checking the rules (the caller saves)."""
        self.check_status_change(new_status, outcome)
        self.status = new_status
        if new_status == "closed":
            self.outcome, self.closure_reason, self.closed_at = outcome, closure_reason, utcnow()
        else:
            self.outcome, self.closure_reason, self.closed_at = None, "", None

    @classmethod
    def visible_to(cls, team_ids: set[int] | None):
        """Referrals held by or shared with the given teams (a transfer makes the receiving
        team the holder)."""
        query = cls.select()
        if team_ids is None:
            return query
        return query.where(cls._held_or_shared(cls, team_ids))

    @classmethod
    def visible_at(cls, referral_column, team_ids: set[int] | None):
        """A condition on another table: the referral that `referral_column` points at is
        visible to the teams (see visible_to); True for None (admins). Written as a
        correlated EXISTS, so the database starts from the other table's own narrow index
        (my follow-ups, today's hearings) rather than from every referral a team holds."""
        if team_ids is None:
            return SQL("1 = 1")
        seen = cls.alias("seen_referral")
        return fn.EXISTS(seen.select(SQL("1")).where(
            (seen.id == referral_column) & cls._held_or_shared(seen, team_ids)))

    @staticmethod
    def _held_or_shared(referral, team_ids: set[int]):
        """`referral` (the model or an alias of it) is held by one of the teams, or was
        shared with one of them. A transfer grants nothing of its own: the receiving team
        holds the referral, and loses it when it transfers it on."""
        ids = sorted(team_ids)
        shared = ReferralShare.select(ReferralShare.referral).where(
            ReferralShare.team.in_(ids) & (ReferralShare.kind == "share"))
        return referral.team.in_(ids) | referral.id.in_(shared)


# "ended": a share with the team the referral was later transferred to (only a "share"
# row lets a team see a referral it does not hold).
SHARE_KINDS = {"share": "Shared", "transfer": "Transferred", "ended": "Shared (until transferred)"}


class ReferralShare(BaseModel):
    """A referral shared with (or transferred to) another team, who then see the person.
    A share row is what lets the team see it. On a transfer the referral's team changes
    instead, and this row only keeps the history: a team that transfers a referral on,
    even one it was given by transfer, no longer sees it."""
    referral = ForeignKeyField(Referral, backref="shares", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    from_team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=10, choices=list(SHARE_KINDS.items()))
    reason = TextField(default="")
    shared_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    shared_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "referral_share"
        indexes = ((("team", "referral"), False),)


class Hearing(BaseModel):
    """A court hearing on a referral; date and time are as the court list prints them
    (Europe/London wall clock)."""
    referral = ForeignKeyField(Referral, backref="hearings", on_delete="RESTRICT")
    court = CharField(max_length=120)
    date = DateField(index=True)
    time = TimeField(null=True)
    courtroom = CharField(max_length=40, default="")
    purpose = CharField(max_length=30, choices=list(HEARING_PURPOSES.items()))
    created_at = DateTimeField(default=utcnow)
    # Changed (adjourned, moved) or vacated with a reason: never deleted, as letters and
    # the court list were written from it.
    version = IntegerField(default=1)
    vacated_at = DateTimeField(null=True)
    vacated_reason = CharField(max_length=300, default="")

    class Meta:
        table_name = "hearing"

    @property
    def purpose_label(self) -> str:
        return HEARING_PURPOSES.get(self.purpose, self.purpose)

    @property
    def is_vacated(self) -> bool:
        return self.vacated_at is not None

    @classmethod
    def listed(cls):
        """A condition: the hearing is still listed (not vacated)."""
        return cls.vacated_at.is_null()
