"""Needs assessments: the first-level health and wellbeing assessment on a referral, over
fifteen domains, each with a level and a note. A reassessment is a new assessment; earlier
ones are kept, so the person page can show the latest and what changed."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Person, Referral

NEED_DOMAINS = {
    "mental_health": "Mental health",
    "suicide_self_harm": "Suicide and self-harm risk",
    "drugs": "Substance misuse: drugs",
    "alcohol": "Substance misuse: alcohol",
    "physical_health": "Physical health",
    "learning_disability": "Learning disability",
    "neurodiversity": "Neurodiversity",
    "speech_language": "Speech and language",
    "housing": "Housing",
    "finance_debt": "Finance and debt",
    "domestic_abuse": "Domestic abuse (as victim)",
    "trauma": "Trauma",
    "trafficking_sex_work": "Trafficking or sex work",
    "relationships_children": "Relationships and children",
    "education_employment": "Education and employment",
}
NEED_LEVELS = {"none": "None", "low": "Low", "medium": "Medium", "high": "High"}
LEVEL_ORDER = {key: n for n, key in enumerate(NEED_LEVELS)}
LEVEL_COLOURS = {"none": "grey", "low": "green", "medium": "yellow", "high": "red"}
MAX_NEED_NOTE = 2000


class NeedsAssessment(BaseModel):
    referral = ForeignKeyField(Referral, backref="needs_assessments", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="needs_assessments", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    assessed_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    assessed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "needs_assessment"
        indexes = ((("person", "assessed_at"), False), (("referral", "assessed_at"), False))

    def ratings_by_domain(self) -> dict[str, "NeedRating"]:
        return {r.domain: r for r in self.ratings}


class NeedRating(BaseModel):
    """One domain of one assessment; one row per domain (a unique index)."""
    assessment = ForeignKeyField(NeedsAssessment, backref="ratings", on_delete="RESTRICT")
    domain = CharField(max_length=30, choices=list(NEED_DOMAINS.items()))
    level = CharField(max_length=10, choices=list(NEED_LEVELS.items()))
    note = TextField(default="")

    class Meta:
        table_name = "need_rating"
        indexes = ((("assessment", "domain"), True),)

    @property
    def domain_label(self) -> str:
        return NEED_DOMAINS.get(self.domain, self.domain)

    @property
    def level_label(self) -> str:
        return NEED_LEVELS.get(self.level, self.level)


def changes_between(previous: dict[str, NeedRating] | None,
                    latest: dict[str, NeedRating]) -> list[dict]:
    """What moved from one assessment to the next: domain, old level, new level, and
    direction: up, down, or "same" when only the note was rewritten (a level can stand
    while what lies behind it changes: "sofa surfing" to "hostel place offered")."""
    if not previous:
        return []
    changed = []
    for domain, label in NEED_DOMAINS.items():
        old, new = previous.get(domain), latest.get(domain)
        old_level, new_level = (old.level if old else None), (new.level if new else None)
        if old_level != new_level:
            direction = ("up" if LEVEL_ORDER.get(new_level or "none", 0)
                         > LEVEL_ORDER.get(old_level or "none", 0) else "down")
        elif (old.note if old else "").strip() != (new.note if new else "").strip():
            direction = "same"
        else:
            continue
        changed.append({"domain": domain, "label": label,
                        "old": NEED_LEVELS.get(old_level or "", "Not recorded"),
                        "new": NEED_LEVELS.get(new_level or "", "Not recorded"),
                        "direction": direction})
    return changed
