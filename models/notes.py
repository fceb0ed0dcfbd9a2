"""Case notes: typed, authored, time-stamped entries on a person's timeline.

A note is never deleted. A correction is an amendment (by the author or a manager, with a
reason): the note shows the current text, and every earlier text is kept in
case_note_amendment, so the original is always there. Safeguarding notes are visible only
to the team that wrote them.
"""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import Team, User
from .base import BaseModel, utcnow
from .people import Person, Referral
from .search import FullText

NOTE_TYPES = {
    "contact": "Contact",
    "assessment": "Assessment",
    "court_attendance": "Court attendance",
    "liaison": "Liaison",
    "referral": "Referral",
    "safeguarding": "Safeguarding",
    "supervision": "Supervision",
    "other": "Other",
}
# Seen only by the note's own team, whoever else can see the person.
TEAM_ONLY_TYPES = ("safeguarding",)
MAX_NOTE_LENGTH = 20_000


class CaseNote(BaseModel):
    person = ForeignKeyField(Person, backref="notes", on_delete="RESTRICT")
    referral = ForeignKeyField(Referral, backref="notes", on_delete="RESTRICT")
    team = ForeignKeyField(Team, backref="+", on_delete="RESTRICT")
    author = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    note_type = CharField(max_length=20, choices=list(NOTE_TYPES.items()))
    body = TextField()                      # the current text (plain text)
    created_at = DateTimeField(default=utcnow)
    amended_at = DateTimeField(null=True)
    amendment_count = IntegerField(default=0)
    version = IntegerField(default=1)

    class Meta:
        table_name = "case_note"
        # The timeline reads a person's notes newest first, a page at a time (keyset).
        indexes = ((("person", "created_at", "id"), False),
                   (("team", "created_at"), False))

    @property
    def type_label(self) -> str:
        return NOTE_TYPES.get(self.note_type, self.note_type)

    @property
    def is_team_only(self) -> bool:
        return self.note_type in TEAM_ONLY_TYPES

    def may_be_amended_by(self, user, user_team_ids) -> bool:
        """The author, or a manager of the note's team (`user_team_ids`: the user's teams)."""
        if user.id == self.author_id:
            return True
        return user.role == "manager" and self.team_id in user_team_ids

    @classmethod
    def visible_condition(cls, team_ids: set[int] | None):
        """Notes the given teams may read (on top of seeing the referral): every type but
        safeguarding, and safeguarding notes of their own teams only."""
        if team_ids is None:
            return cls.note_type.not_in(TEAM_ONLY_TYPES)
        return cls.note_type.not_in(TEAM_ONLY_TYPES) | cls.team.in_(sorted(team_ids))

    @classmethod
    def visible_to(cls, team_ids: set[int] | None):
        """Notes on referrals the teams can see, safeguarding notes of their own teams only."""
        query = cls.select()
        if team_ids is not None:
            query = query.where(Referral.visible_at(cls.referral, team_ids))
        return query.where(cls.visible_condition(team_ids))


class CaseNoteAmendment(BaseModel):
    """One correction: the text before and after, who made it, when and why."""
    note = ForeignKeyField(CaseNote, backref="amendments", on_delete="RESTRICT")
    previous_body = TextField()
    new_body = TextField()
    reason = CharField(max_length=500)
    amended_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    amended_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "case_note_amendment"
        indexes = ((("note", "amended_at"), False),)


def reader_tag(team_id: int) -> str:
    """The word that stands for a team among a note's readers (as `readers_sql` writes it)."""
    return f"t{int(team_id)}"


_TEAM_ONLY_SQL = ", ".join(f"'{t}'" for t in TEAM_ONLY_TYPES)


def readers_sql(note: str) -> str:
    """SQL for the teams that may read the case_note row `note`, as reader words ("t3 t7"):
    the note's own team for a team-only type, otherwise the referral's team and every team
    it was shared with or transferred to. Note search narrows by these inside the
    full-text index and still checks each note it finds against the referral, so a word
    too many costs a lookup, while a word missing would hide a note from its readers."""
    return (f"CASE WHEN {note}.note_type IN ({_TEAM_ONLY_SQL}) THEN 't' || {note}.team_id ELSE "
            f"(SELECT group_concat('t' || team_id, ' ') FROM (SELECT r.team_id FROM referral "
            f"AS r WHERE r.id = {note}.referral_id UNION SELECT s.team_id FROM referral_share "
            f"AS s WHERE s.referral_id = {note}.referral_id)) END")


def _refresh_readers(referral_id: str) -> str:
    return (f"UPDATE case_note SET readers = {readers_sql('case_note')} WHERE referral_id = "
            f"{referral_id} AND note_type NOT IN ({_TEAM_ONLY_SQL});")


# Prefix indexes for words typed up to seven letters: note search stays fast on a million
# notes (see FullText). Longer words are rarer, so their fallback costs little. On SQLite
# the index also holds each note's readers (a `readers` column that only SQLite has, kept
# by triggers), so a search finds a team's notes without checking everyone else's.
NOTE_TEXT = FullText("case_note", ["body"], prefix="2 3 4 5 6 7",
                     tags=("readers", readers_sql("new")))

# SQLite: a note's readers follow its referral's sharing and transfers; its type, team and
# referral, which they are worked out from, never change. Migration 014 creates these and
# NOTE_TEXT as they are here: a change to either needs a migration of its own (and 014 a
# frozen copy of what it made, as 013 has).
NOTE_READER_TRIGGERS = [
    "CREATE TRIGGER case_note_readers_shared AFTER INSERT ON referral_share BEGIN "
    + _refresh_readers("new.referral_id") + " END",
    "CREATE TRIGGER case_note_readers_unshared AFTER DELETE ON referral_share BEGIN "
    + _refresh_readers("old.referral_id") + " END",
    "CREATE TRIGGER case_note_readers_share_moved AFTER UPDATE OF referral_id, team_id ON "
    "referral_share BEGIN " + _refresh_readers("old.referral_id")
    + _refresh_readers("new.referral_id") + " END",
    "CREATE TRIGGER case_note_readers_transferred AFTER UPDATE OF team_id ON referral "
    "WHEN new.team_id IS NOT old.team_id BEGIN " + _refresh_readers("new.id") + " END",
    "CREATE TRIGGER case_note_fixed_readers BEFORE UPDATE OF note_type, team_id, referral_id "
    "ON case_note WHEN new.note_type IS NOT old.note_type OR new.team_id IS NOT old.team_id "
    "OR new.referral_id IS NOT old.referral_id BEGIN "
    "SELECT RAISE(ABORT, 'a case note keeps its type, team and referral'); END",
]
NOTE_READER_TRIGGER_NAMES = [t.split()[2] for t in NOTE_READER_TRIGGERS]
