"""Court letters: templates and their versions, the documents generated from them on a
case, and court-list jobs that make one letter per hearing.

A template keeps every version it ever had, so a past letter can be reproduced from the
exact version that made it. A generated document is immutable (database triggers refuse
UPDATE and DELETE): a new draft is a new document.
"""
from __future__ import annotations

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .files import StoredFile
from .people import Person, Referral
from .prepared import prepared

PURPOSES = {
    "court_report": "Report to the court on the day",
    "bail_information": "Bail information",
    "gp_letter": "Letter to GP",
    "service_referral": "Referral to a service",
    "mhtr_request": "MHTR assessment request",
    "discharge_roadmap": "Discharge roadmap",
    "certificate_of_attendance": "Certificate of attendance",
}

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class LetterTemplate(BaseModel):
    name = CharField(max_length=120, unique=True)
    purpose = CharField(max_length=40, choices=list(PURPOSES.items()), index=True)
    active = BooleanField(default=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "letter_template"

    @property
    def purpose_label(self) -> str:
        return PURPOSES.get(self.purpose, self.purpose)

    def latest_version(self) -> "TemplateVersion | None":
        return (TemplateVersion.select().where(TemplateVersion.template == self)
                .order_by(TemplateVersion.number.desc()).first())

    def next_number(self) -> int:
        top = (TemplateVersion.select(fn.MAX(TemplateVersion.number))
               .where(TemplateVersion.template == self).scalar())
        return (top or 0) + 1

    @classmethod
    def usable(cls):
        """Active templates that have a version, by name."""
        has_version = TemplateVersion.select(TemplateVersion.template)
        return (cls.select().where(cls.active & cls.id.in_(has_version))
                .order_by(fn.LOWER(cls.name)))

    @classmethod
    def for_purpose(cls, purpose: str) -> "LetterTemplate | None":
        """The active template for `purpose`: one a manager uploaded before a built-in one
        (managers switch off the ones they do not want), then by name."""
        found = _for_purpose(purpose=purpose)
        return found[0] if found else None


class TemplateVersion(BaseModel):
    template = ForeignKeyField(LetterTemplate, backref="versions", on_delete="RESTRICT")
    number = IntegerField()
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    original_name = CharField(max_length=150, default="")
    uploaded_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)
    note = CharField(max_length=300, default="")

    class Meta:
        table_name = "template_version"
        # Two managers uploading at once cannot both make "version 3".
        indexes = ((("template", "number"), True),)

    @property
    def cache_key(self) -> tuple:
        return (self.id, self.file.sha256)


class LetterBatch(BaseModel):
    """A court-list job: one letter for each referral with a hearing that day."""
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    template_version = ForeignKeyField(TemplateVersion, backref="+", on_delete="RESTRICT")
    hearing_date = DateField()
    requested_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default="queued")  # queued, running, done, failed
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    error = CharField(max_length=300, default="")
    file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "letter_batch"


class GeneratedDocument(BaseModel):
    referral = ForeignKeyField(Referral, backref="letters", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="+", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")  # holding team then
    template_version = ForeignKeyField(TemplateVersion, backref="documents",
                                       on_delete="RESTRICT")
    author = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow, index=True)
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    sha256 = CharField(max_length=64)
    file_name = CharField(max_length=150)
    batch = ForeignKeyField(LetterBatch, null=True, backref="documents", on_delete="RESTRICT")

    class Meta:
        table_name = "generated_document"
        indexes = ((("referral", "created_at"), False),)

    def save(self, *args, **kwargs):
        if self.id is not None and not kwargs.get("force_insert"):
            raise PermissionError("a generated document cannot be changed: make a new one")
        return super().save(*args, **kwargs)


# The home page asks both on every view (today's court list: which reports are written).
_for_purpose = prepared(lambda purpose: LetterTemplate.usable()
                        .where(LetterTemplate.purpose == purpose)
                        .order_by(LetterTemplate.created_by.is_null(),
                                  fn.LOWER(LetterTemplate.name)).limit(1))


@prepared
def _referrals_with_document(referrals, purpose):
    return (GeneratedDocument.select(GeneratedDocument.referral).distinct()
            .join(TemplateVersion, on=(GeneratedDocument.template_version == TemplateVersion.id))
            .join(LetterTemplate, on=(TemplateVersion.template == LetterTemplate.id))
            .where(GeneratedDocument.referral.in_(referrals)
                   & (LetterTemplate.purpose == purpose)))


def referrals_with_document(referral_ids: list[int], purpose: str) -> set[int]:
    """Which of the referrals have a letter generated for `purpose` (one query)."""
    if not referral_ids:
        return set()
    return {d.referral_id for d in _referrals_with_document(referrals=list(referral_ids),
                                                            purpose=purpose)}
