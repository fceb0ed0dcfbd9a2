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
from .search import FullText, pg_folded

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


def readers_sql(note: str, aggregate: str = "group_concat") -> str:
    """SQL for the teams that may read the case_note row `note`, as reader words ("t3 t7"):
    the note's own team for a team-only type, otherwise the referral's team and every team
    it was shared with or transferred to. Note search narrows by these inside the
    full-text index and still checks each note it finds against the referral, so a word
    too many costs a lookup, while a word missing would hide a note from its readers.
    (A team a referral was transferred to keeps its word after passing the referral on,
    and the referral check then refuses it the note.)
    `aggregate`: SQLite's group_concat, or PostgreSQL's string_agg."""
    return (f"CASE WHEN {note}.note_type IN ({_TEAM_ONLY_SQL}) THEN 't' || {note}.team_id ELSE "
            f"(SELECT {aggregate}('t' || team_id, ' ') FROM (SELECT r.team_id FROM referral "
            f"AS r WHERE r.id = {note}.referral_id UNION SELECT s.team_id FROM referral_share "
            f"AS s WHERE s.referral_id = {note}.referral_id) AS teams) END")


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


# PostgreSQL: the same narrowing in a tsvector column that only PostgreSQL has, `search_doc`,
# GIN-indexed: the note's words at weight D, every word's first one to seven letters at
# weight B, and its readers at weight A. A search looks each typed word up among the
# beginnings (B: one list, where a prefix search "hostel:*" gathers the lists of every
# word so beginning before it can start) and the user's teams at A, so a typed "t3" never
# matches a reader. Kept by the triggers below (the readers as on SQLite; the words
# as the text is written or amended). Migration 015 creates these as they are here, and
# 094 gave the words their accents folded: a change needs a migration.
PG_PREFIX_LETTERS = 7


def search_doc_sql(note: str) -> str:
    """The search_doc of the case_note row `note`, worked out afresh."""
    # The text without accents, as SQLite's index keeps it ("cafe" finds "café"; the typed
    # words are folded too).
    body = pg_folded(f"coalesce({note}.body, '')")
    words = f"to_tsvector('simple', {body})"
    prefixes = (f"(SELECT string_agg(DISTINCT left(w.lexeme, k), ' ') FROM unnest({words}) "
                f"AS w, generate_series(1, {PG_PREFIX_LETTERS}) AS k "
                "WHERE length(w.lexeme) >= k)")
    return (f"setweight({words}, 'D') || "
            f"setweight(to_tsvector('simple', coalesce({prefixes}, '')), 'B') || "
            f"setweight(to_tsvector('simple', coalesce({readers_sql(note, 'string_agg')}, "
            "'')), 'A')")


def pg_word_terms(word: str) -> tuple[str, str]:
    """A typed word as tsquery terms: what the GIN index is asked (the word's first seven
    letters at weight B: one list to read), and what every note it gives must then match
    (the whole word as the start of a word in the text)."""
    looked_up = f"{word[:PG_PREFIX_LETTERS]}:B"
    return looked_up, (looked_up if len(word) <= PG_PREFIX_LETTERS else f"{word}:*D")


PG_NOTE_SEARCH_INDEX = "case_note_search_doc"
PG_NOTE_SEARCH_FUNCTIONS = [
    "CREATE FUNCTION case_note_search_doc() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.search_doc := {search_doc_sql('NEW')}; RETURN NEW; END $$",
    "CREATE FUNCTION case_note_refresh_readers(changed integer) RETURNS void LANGUAGE sql "
    f"AS $$ UPDATE case_note SET search_doc = {search_doc_sql('case_note')} WHERE "
    f"referral_id = changed AND note_type NOT IN ({_TEAM_ONLY_SQL}) $$",
    "CREATE FUNCTION case_note_readers_shared() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM case_note_refresh_readers(OLD.referral_id);"
    " END IF; IF TG_OP IN ('UPDATE', 'INSERT') THEN "
    "PERFORM case_note_refresh_readers(NEW.referral_id); END IF; RETURN NULL; END $$",
    "CREATE FUNCTION case_note_readers_transferred() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.team_id IS DISTINCT FROM OLD.team_id THEN "
    "PERFORM case_note_refresh_readers(NEW.id); END IF; RETURN NULL; END $$",
    "CREATE FUNCTION case_note_fixed_readers() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.note_type IS DISTINCT FROM OLD.note_type OR NEW.team_id IS DISTINCT FROM "
    "OLD.team_id OR NEW.referral_id IS DISTINCT FROM OLD.referral_id THEN RAISE EXCEPTION "
    "'a case note keeps its type, team and referral' USING ERRCODE = 'check_violation'; "
    "END IF; RETURN NEW; END $$",
]
PG_NOTE_SEARCH_TRIGGERS = [
    "CREATE TRIGGER case_note_search_doc BEFORE INSERT OR UPDATE OF body ON case_note "
    "FOR EACH ROW EXECUTE FUNCTION case_note_search_doc()",
    "CREATE TRIGGER case_note_readers_shared AFTER INSERT OR DELETE OR UPDATE OF "
    "referral_id, team_id ON referral_share FOR EACH ROW "
    "EXECUTE FUNCTION case_note_readers_shared()",
    "CREATE TRIGGER case_note_readers_transferred AFTER UPDATE OF team_id ON referral "
    "FOR EACH ROW EXECUTE FUNCTION case_note_readers_transferred()",
    "CREATE TRIGGER case_note_fixed_readers BEFORE UPDATE OF note_type, team_id, "
    "referral_id ON case_note FOR EACH ROW EXECUTE FUNCTION case_note_fixed_readers()",
]
PG_NOTE_SEARCH_FUNCTION_NAMES = [f.split()[2].split("(")[0] for f in PG_NOTE_SEARCH_FUNCTIONS]
