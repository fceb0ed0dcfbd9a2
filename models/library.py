"""The guide and training library: guides and their versions, quick-reference sheets,
training sessions with their attendance register and feedback, and share links.

Guides and sheets belong to the whole organisation (every signed-in member of staff may
read them); training sessions belong to a team, because their registers hold the names
and email addresses of the people trained.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, TextField, fn)

from .accounts import Team, User
from .base import BaseModel, utcnow
from .files import StoredFile
from .search import FullText

TOPICS = {
    "mental_health": "Mental health awareness",
    "dual_diagnosis": "Dual diagnosis",
    "personality_disorder": "Personality disorder",
    "women": "Women",
    "trauma": "Trauma-informed practice",
    "learning_disability": "Learning disability",
    "substance_misuse": "Substance misuse",
    "suicide_self_harm": "Suicide and self-harm",
}
AUDIENCES = {
    "police": "Police",
    "courts": "Courts",
    "probation": "Probation",
    "health": "Health",
    "voluntary": "Voluntary sector",
}

GUIDE_TEXT = FullText("guide", ["title", "summary"])
SHEET_TEXT = FullText("quick_sheet", ["title", "summary", "body"])


def join_keys(keys) -> str:
    """Store a set of choice keys as '|a|b|' so one key is found with LIKE '%|a|%'."""
    keys = sorted(set(keys or []))
    return "|" + "|".join(keys) + "|" if keys else ""


def split_keys(value: str | None) -> list[str]:
    return [k for k in (value or "").split("|") if k]


class Tagged:
    """Topics and audiences kept as '|key|' lists, with their labels."""

    @property
    def topic_keys(self) -> list[str]:
        return split_keys(self.topics)

    @property
    def audience_keys(self) -> list[str]:
        return split_keys(self.audiences)

    @property
    def topic_labels(self) -> list[str]:
        return [TOPICS[k] for k in self.topic_keys if k in TOPICS]

    @property
    def audience_labels(self) -> list[str]:
        return [AUDIENCES[k] for k in self.audience_keys if k in AUDIENCES]

    @classmethod
    def with_topic(cls, query, key: str):
        return query.where(cls.topics.contains(f"|{key}|"))

    @classmethod
    def with_audience(cls, query, key: str):
        return query.where(cls.audiences.contains(f"|{key}|"))


class Guide(Tagged, BaseModel):
    title = CharField(max_length=200)
    summary = TextField(default="")
    topics = CharField(max_length=300, default="")
    audiences = CharField(max_length=200, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "guide"

    def current_version(self) -> "GuideVersion | None":
        """The latest published version (what staff and share links get by default)."""
        return (GuideVersion.select().where((GuideVersion.guide == self)
                                            & GuideVersion.published)
                .order_by(GuideVersion.uploaded_at.desc(), GuideVersion.id.desc()).first())

    def versions(self):
        return (GuideVersion.select(GuideVersion, User.name).join(User)
                .where(GuideVersion.guide == self)
                .order_by(GuideVersion.uploaded_at.desc(), GuideVersion.id.desc()))


class GuideVersion(BaseModel):
    guide = ForeignKeyField(Guide, backref="all_versions", on_delete="RESTRICT")
    label = CharField(max_length=40)
    changes = TextField(default="")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    thumbnail = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    kind = CharField(max_length=10)  # pdf or docx, from the file's content
    pages = IntegerField(null=True)
    published = BooleanField(default=True)
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)
    download_count = IntegerField(default=0)

    class Meta:
        table_name = "guide_version"
        indexes = ((("guide", "label"), True),)

    @property
    def download_name(self) -> str:
        return f"{self.guide.title} ({self.label}).{self.kind}"

    @property
    def kind_label(self) -> str:
        return {"pdf": "PDF", "docx": "Word document"}.get(self.kind, self.kind)

    def count_download(self) -> None:
        """Add one to the download count in the database (no lost update under load)."""
        (GuideVersion.update(download_count=GuideVersion.download_count + 1)
         .where(GuideVersion.id == self.id).execute())


class QuickSheet(Tagged, BaseModel):
    title = CharField(max_length=200)
    summary = CharField(max_length=500, default="")
    body = TextField()  # Markdown, rendered and sanitised when shown
    topics = CharField(max_length=300, default="")
    audiences = CharField(max_length=200, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "quick_sheet"


class TrainingSession(BaseModel):
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    title = CharField(max_length=200)
    date = DateField()  # Europe/London wall-clock date
    venue = CharField(max_length=200)
    trainers = CharField(max_length=300)  # names, as they appear on certificates
    organisation = CharField(max_length=200)  # who was trained, e.g. a probation delivery unit
    topics = CharField(max_length=300, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "training_session"

    @property
    def topic_labels(self) -> list[str]:
        return [TOPICS[k] for k in split_keys(self.topics) if k in TOPICS]

    def attendees(self):
        return (Attendee.select().where(Attendee.session == self)
                .order_by(fn.LOWER(Attendee.name), Attendee.id))

    def handouts(self):
        """The guide versions handed out at this session."""
        return (GuideVersion.select(GuideVersion, Guide).join(Guide)
                .switch(GuideVersion).join(Handout)
                .where(Handout.session == self).order_by(fn.LOWER(Guide.title)))


class Handout(BaseModel):
    session = ForeignKeyField(TrainingSession, backref="+", on_delete="CASCADE")
    guide_version = ForeignKeyField(GuideVersion, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "handout"
        indexes = ((("session", "guide_version"), True),)


class Attendee(BaseModel):
    session = ForeignKeyField(TrainingSession, backref="+", on_delete="CASCADE")
    name = CharField(max_length=120)
    organisation = CharField(max_length=200, default="")
    role = CharField(max_length=120, default="")
    email = CharField(max_length=254, default="")
    attended = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "attendee"


class Feedback(BaseModel):
    """Anonymous feedback on a session, given through a share link."""
    session = ForeignKeyField(TrainingSession, backref="+", on_delete="CASCADE")
    usefulness = IntegerField()  # 1 (not useful) to 5 (very useful)
    what_to_change = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "feedback"


SHARE_PURPOSES = {"guide": "Guide download", "handouts": "Session handouts",
                  "feedback": "Feedback form"}


def token_hash(token: str) -> str:
    """What is stored for a share token: its SHA-256 (the token itself is shown once)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ShareLink(BaseModel):
    """A link for people without an account: to one guide version, to the handouts of
    one session, or to one session's feedback form. Nothing else is reachable with it."""
    token_hash = CharField(max_length=64, unique=True)
    purpose = CharField(max_length=20)
    guide_version = ForeignKeyField(GuideVersion, null=True, backref="+", on_delete="RESTRICT")
    session = ForeignKeyField(TrainingSession, null=True, backref="+", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")  # who it was sent to, for the trainer
    expires_at = DateTimeField()
    max_uses = IntegerField(null=True)
    use_count = IntegerField(default=0)
    revoked_at = DateTimeField(null=True)
    revoked_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "share_link"

    @classmethod
    def by_token(cls, token: str) -> "ShareLink | None":
        if not token or len(token) > 100:
            return None
        return cls.get_or_none(cls.token_hash == token_hash(token))

    def state(self, now: dt.datetime | None = None) -> str:
        """'active', 'revoked', 'expired' or 'used_up'."""
        now = now or utcnow()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.max_uses is not None and self.use_count >= self.max_uses:
            return "used_up"
        return "active"

    def take_use(self) -> bool:
        """Count one use if the link still has one left (checked in the same UPDATE, so
        two people cannot both take the last download)."""
        query = ShareLink.update(use_count=ShareLink.use_count + 1).where(
            (ShareLink.id == self.id) & ShareLink.revoked_at.is_null()
            & (ShareLink.expires_at > utcnow())
            & (ShareLink.max_uses.is_null() | (ShareLink.use_count < ShareLink.max_uses)))
        taken = bool(query.execute())
        if taken:
            self.use_count += 1
        return taken
