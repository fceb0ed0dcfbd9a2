"""Note search narrows by each note's readers inside the full-text index (models/notes.py:
on SQLite, migration 014; on PostgreSQL, migration 015). The readers follow sharing and
transfers, the index stays in step with the notes through every change, and what a user
finds is still decided by the referral and the note type, never by the index alone."""
import pytest
from peewee import IntegrityError, SqliteDatabase

from models import ALL_MODELS
from models.accounts import Membership, Team, User
from models.base import db, is_sqlite
from models.notes import NOTE_TEXT, CaseNote, search_doc_sql
from models.people import Person, Referral, ReferralShare
from tests.database import only_on
from tests.factories import make_note, make_person, make_referral, make_team, make_user
from tests.migration_scratch import all_migrations_but, postgres_scratch


sqlite_only = only_on("sqlite", "SQLite's migration 014")
postgres_only = only_on("postgres", "PostgreSQL's migration 015")


def readers(note) -> set[str]:
    if is_sqlite():
        row = db.execute_sql("SELECT readers FROM case_note WHERE id = ?", [note.id]).fetchone()
        return set(row[0].split())
    row = db.execute_sql("SELECT array(SELECT lexeme FROM unnest(search_doc) "
                         "WHERE 'A' = ANY(weights)) FROM case_note WHERE id = %s", [note.id])
    return set(row.fetchone()[0])


def plant_reader(note, team) -> None:
    """What a fault in the readers' triggers would do: name a team that may not read it."""
    if is_sqlite():
        db.execute_sql("UPDATE case_note SET readers = readers || ' ' || ? WHERE id = ?",
                       [f"t{team.id}", note.id])
    else:
        db.execute_sql("UPDATE case_note SET search_doc = search_doc || setweight("
                       "to_tsvector('simple', %s), 'A') WHERE id = %s", [f"t{team.id}", note.id])


def index_is_in_step(database=db) -> None:
    """Raises when the index and the notes differ. SQLite: FTS5's own integrity check.
    PostgreSQL: every note's search_doc against one worked out afresh from the notes,
    referrals and shares."""
    if isinstance(database, SqliteDatabase) or (database is db and is_sqlite()):
        database.execute_sql(f"INSERT INTO {NOTE_TEXT.fts}({NOTE_TEXT.fts}, rank) "
                             "VALUES ('integrity-check', 1)")
        return
    stale = database.execute_sql(
        f"SELECT count(*) FROM case_note WHERE search_doc IS DISTINCT FROM "
        f"({search_doc_sql('case_note')})").fetchone()[0]
    if stale:
        raise AssertionError(f"{stale} notes' search_doc is out of step (corrupt)")


def notes_written_before(scratch, team_a, team_b, users) -> None:
    """A referral shared with team B, with a note and a safeguarding note, copied into
    `scratch` as rows written before the migration under test."""
    referral = make_referral(team=team_a)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    make_note(referral, users["practitioner"], "Hostel place")
    make_note(referral, users["practitioner"], "Hostel worry", note_type="safeguarding")
    with scratch.bind_ctx(ALL_MODELS):
        for model in (Team, User, Membership, Person, Referral, ReferralShare, CaseNote):
            rows = list(model.select().bind(db.obj).order_by(model.id).dicts())
            model.insert_many(rows).execute()


def test_the_index_check_notices_an_index_out_of_step(team_a, users):
    note = make_note(make_referral(team=team_a), users["practitioner"], "hostel place")
    index_is_in_step()
    # What a trigger bug would do: the index told of words the note does not hold.
    if is_sqlite():
        db.execute_sql(f"INSERT INTO {NOTE_TEXT.fts}({NOTE_TEXT.fts}, rowid, body, readers) "
                       "VALUES ('delete', ?, 'other words', ?)", [note.id, f"t{team_a.id}"])
    else:
        db.execute_sql("UPDATE case_note SET search_doc = to_tsvector('simple', 'other words')"
                       " WHERE id = %s", [note.id])
    with pytest.raises(Exception, match="malformed|corrupt"):
        index_is_in_step()


def test_readers_follow_sharing_and_transfer_and_the_index_keeps_up(
        client_as, team_a, team_b, users, other_team_user):
    team_c = make_team("Probation north")
    referral = make_referral(team=team_a)
    contact = make_note(referral, users["practitioner"], "Hostel place offered")
    private = make_note(referral, users["practitioner"], "Hostel disclosure",
                      note_type="safeguarding")
    a, b, c = (f"t{t.id}" for t in (team_a, team_b, team_c))
    assert readers(contact) == {a} and readers(private) == {a}

    share = ReferralShare.create(referral=referral, team=team_b, from_team=team_a,
                                 kind="share", shared_by=users["manager"])
    assert readers(contact) == {a, b} and readers(private) == {a}
    index_is_in_step()

    client_as("practitioner").post_form(f"/referrals/{referral.id}/share",
                                        {"team": team_c.id, "kind": "transfer",
                                         "reason": "Moved to probation"})
    assert readers(contact) == {b, c} and readers(private) == {a}

    CaseNote.update(body="Hostel place accepted").where(CaseNote.id == contact.id).execute()
    share.delete_instance()
    assert readers(contact) == {c}
    index_is_in_step()
    CaseNote.delete().where(CaseNote.id == private.id).execute()
    index_is_in_step()


def test_a_note_shared_after_it_was_written_is_found_by_the_new_team(
        app, client_as, team_a, team_b, users, other_team_user):
    referral = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    make_note(referral, users["practitioner"], "Hostel place offered")
    other = app.test_client().sign_in(other_team_user)
    assert "Ayo Bello" not in other.get("/people/notes?q=hostel").get_data(as_text=True)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    assert "Ayo Bello" in other.get("/people/notes?q=hostel").get_data(as_text=True)


def test_a_transfer_moves_the_notes_to_the_new_team(app, client_as, team_a, users):
    team_c = make_team("Probation north")
    newcomer = make_user("practitioner", teams=[team_c])
    referral = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    make_note(referral, users["practitioner"], "Hostel place offered")
    client = client_as("practitioner")
    client.post_form(f"/referrals/{referral.id}/share",
                     {"team": team_c.id, "kind": "transfer", "reason": "Moved"})
    assert "Ayo Bello" not in client.get("/people/notes?q=hostel").get_data(as_text=True)
    receiving = app.test_client().sign_in(newcomer)
    assert "Ayo Bello" in receiving.get("/people/notes?q=hostel").get_data(as_text=True)


def test_typed_words_never_match_the_readers(app, client_as, team_a, users):
    from blueprints.cases.note_search import search_notes
    make_note(make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a),
            users["practitioner"], "An ordinary note")
    tag = f"t{team_a.id}"
    for role in ("practitioner", "manager"):
        page = client_as(role).get("/people/notes", query_string={"q": tag}).get_data(
            as_text=True)
        assert "No notes you may read match" in page and "Ayo Bello" not in page
    # Without a team filter (every team's notes) the words are still matched in the text only.
    assert search_notes(tag, None) == [] and len(search_notes("ordinary", None)) == 1


def test_an_index_word_is_no_way_past_the_referral_check(app, team_a, team_b, users,
                                                          other_team_user):
    """Even a note whose readers wrongly named another team stays hidden from it."""
    referral = make_referral(make_person(given_name="Ayo", family_name="Bello"), team_a)
    note = make_note(referral, users["practitioner"], "Hostel place offered")
    plant_reader(note, team_b)
    assert readers(note) == {f"t{team_a.id}", f"t{team_b.id}"}
    other = app.test_client().sign_in(other_team_user)
    assert "Ayo Bello" not in other.get("/people/notes?q=hostel").get_data(as_text=True)


def test_a_notes_type_team_and_referral_cannot_change(team_a, team_b, users):
    note = make_note(make_referral(team=team_a), users["practitioner"], "Hostel place")
    for change in ({"note_type": "safeguarding"}, {"team": team_b.id},
                   {"referral": make_referral(team=team_b).id}):
        with pytest.raises(IntegrityError, match="keeps its type, team and referral"):
            with db.atomic():
                CaseNote.update(**change).where(CaseNote.id == note.id).execute()
    assert CaseNote.get_by_id(note.id).note_type == "contact"


@sqlite_only
def test_the_migration_gives_existing_notes_their_readers(tmp_path, team_a, team_b, users):
    """A database made before migration 014 (every other migration applied, notes written)
    gets each note's readers and an index that finds them."""
    scratch = SqliteDatabase(str(tmp_path / "before.db"), pragmas={"foreign_keys": 1})
    migrations = all_migrations_but(scratch, "014_note_readers")
    notes_written_before(scratch, team_a, team_b, users)
    migrations.run()
    rows = dict(scratch.execute_sql("SELECT id, readers FROM case_note").fetchall())
    a, b = f"t{team_a.id}", f"t{team_b.id}"
    assert [set(text.split()) for text in rows.values()] == [{a, b}, {a}]
    found = scratch.execute_sql(
        f"SELECT rowid FROM {NOTE_TEXT.fts} WHERE {NOTE_TEXT.fts} MATCH ?",
        [f'{{body}} : ("hostel"*) AND {{readers}} : ("{b}")']).fetchall()
    assert found == [(min(rows),)]
    index_is_in_step(scratch)

    # Rolled back: no readers column, and migration 013's index, in step with the notes.
    migrations.run_one("014_note_readers", migrations.migrator, fake=False, downgrade=True)
    assert "readers" not in {c.name for c in scratch.get_columns("case_note")}
    assert scratch.execute_sql(f"SELECT rowid FROM {NOTE_TEXT.fts} WHERE {NOTE_TEXT.fts} "
                               "MATCH 'hostel*' ORDER BY rowid").fetchall() == [
        (min(rows),), (max(rows),)]
    index_is_in_step(scratch)



@postgres_only
def test_the_postgres_migration_gives_existing_notes_their_search_doc(team_a, team_b, users):
    """A PostgreSQL database made before migration 015 (every other migration applied,
    notes written) gets each note's words and readers, and the rollback restores
    migration 011's index."""
    with postgres_scratch("015") as scratch:
        migrations = all_migrations_but(scratch, "015_note_search_postgres")
        notes_written_before(scratch, team_a, team_b, users)
        migrations.run()
        a, b = f"t{team_a.id}", f"t{team_b.id}"
        docs = scratch.execute_sql(
            "SELECT id, array(SELECT lexeme FROM unnest(search_doc) WHERE 'A' = ANY(weights))"
            " FROM case_note ORDER BY id").fetchall()
        assert [set(lexemes) for _, lexemes in docs] == [{a, b}, {a}]
        found = scratch.execute_sql("SELECT id FROM case_note WHERE search_doc @@ "
                                    "to_tsquery('simple', %s)", [f"hostel:*D & {b}:A"])
        assert found.fetchall() == [(docs[0][0],)]
        index_is_in_step(scratch)
        assert "case_note_fulltext" not in {i.name for i in scratch.get_indexes("case_note")}

        # Rolled back: no search_doc, no triggers, and migration 011's index again.
        migrations.run_one("015_note_search_postgres", migrations.migrator, fake=False,
                           downgrade=True)
        assert "search_doc" not in {c.name for c in scratch.get_columns("case_note")}
        assert "case_note_fulltext" in {i.name for i in scratch.get_indexes("case_note")}
        assert scratch.execute_sql(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace "
            "AND t.tgname LIKE 'case_note_%%'").fetchone() == (0,)
        scratch.execute_sql(  # notes are written as before 015
            "INSERT INTO case_note (id, person_id, referral_id, team_id, author_id, note_type,"
            " body, created_at, amendment_count, version) SELECT id + 100, person_id, "
            "referral_id, team_id, author_id, note_type, 'After the rollback', created_at, 0,"
            " 1 FROM case_note ORDER BY id LIMIT 1")
        assert scratch.execute_sql(
            "SELECT count(*) FROM case_note WHERE to_tsvector('simple', coalesce(body, '')) "
            "@@ to_tsquery('simple', 'rollback')").fetchone() == (1,)


@postgres_only
def test_migration_094_folds_the_accents_of_notes_written_before(team_a, team_b, users):
    """Notes written before 094 kept their accents in search_doc, so "cafe" did not find
    "café"; after it they are found, the trigger functions fold what is written next, and
    every note's search_doc is what the code works out."""
    import importlib

    from models.notes import PG_NOTE_SEARCH_FUNCTION_NAMES, PG_NOTE_SEARCH_FUNCTIONS
    from models.search import pg_folded
    remade = importlib.import_module("migrations.094_note_search_accents").REMADE

    def as_before(sql):  # the functions as migration 015 made them, accents kept
        for row in ("NEW", "case_note"):
            sql = sql.replace(pg_folded(f"coalesce({row}.body, '')"), f"coalesce({row}.body, '')")
        return sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

    def found(scratch, word):
        return scratch.execute_sql("SELECT count(*) FROM case_note WHERE search_doc @@ "
                                   "to_tsquery('simple', %s)", [f"{word}:*D"]).fetchone()[0]

    make_note(make_referral(team=team_a), users["practitioner"], "Zoë waited at the café")
    with postgres_scratch("094") as scratch:
        migrations = all_migrations_but(scratch, "094_note_search_accents")
        for name, statement in zip(PG_NOTE_SEARCH_FUNCTION_NAMES, PG_NOTE_SEARCH_FUNCTIONS):
            if name in remade:
                scratch.execute_sql(as_before(statement))
        notes_written_before(scratch, team_a, team_b, users)
        assert (found(scratch, "cafe"), found(scratch, "café"), found(scratch, "hostel")) == (
            0, 1, 2)
        migrations.run()
        assert (found(scratch, "cafe"), found(scratch, "zoe"), found(scratch, "hostel")) == (
            1, 1, 2)
        scratch.execute_sql(  # a note written after
            "INSERT INTO case_note (id, person_id, referral_id, team_id, author_id, note_type,"
            " body, created_at, amendment_count, version) SELECT id + 100, person_id, "
            "referral_id, team_id, author_id, note_type, 'Another café', created_at, 0,"
            " 1 FROM case_note ORDER BY id LIMIT 1")
        assert found(scratch, "cafe") == 2
        index_is_in_step(scratch)


def test_search_pages_on_past_the_newest_notes_it_walks_first(monkeypatch, team_a, team_b,
                                                              users, other_team_user):
    """PostgreSQL walks the newest notes first and asks the index for the rest: the two
    together give the same notes, newest first, page by page (SQLite: the same answer)."""
    from blueprints.cases import note_search
    monkeypatch.setattr(note_search, "RECENT", 4)
    ours, theirs = make_referral(team=team_a), make_referral(team=team_b)
    a1 = make_note(ours, users["practitioner"], "Hostel place offered")
    a2 = make_note(ours, users["practitioner"], "Hostel visit")
    for n in range(5):
        make_note(theirs, other_team_user, f"Hostel note {n} of another team")
    make_note(ours, users["practitioner"], "Nothing to find here")
    a4 = make_note(ours, users["practitioner"], "Hostel keyworker called")

    def ids(*args, **kwargs):
        return [note.id for note in note_search.search_notes(*args, **kwargs)]

    assert ids("hostel", {team_a.id}) == [a4.id, a2.id, a1.id]
    assert ids("hostel", {team_a.id}, limit=2) == [a4.id, a2.id]
    assert ids("hostel", {team_a.id}, before_id=a2.id, limit=2) == [a1.id]
    assert ids("hostel visit", {team_a.id}) == [a2.id]
    assert ids("zzz", {team_a.id}) == []
    assert len(ids("hostel", {team_b.id})) == 5
    assert ids("hostel", None, limit=8) == sorted(ids("hostel", None, limit=8), reverse=True)
    assert len(ids("hostel", None, limit=8)) == 8


@pytest.mark.parametrize("typed, found", [
    ("h", True), ("hous", True), ("housing", True), ("housingx", False),
    ("voicemai", True), ("voicemail", True), ("voicemails", False), ("oicemail", False),
    ("überset", True), ("übersetzerin", True), ("9434", True), ("housing voicemai", True),
    ("housing zzz", False), ("O'Brien", True), ("brie", True), ("t1", False),
])
def test_each_typed_word_matches_as_the_start_of_a_word(team_a, users, typed, found):
    """Short words (up to seven letters) are looked up among the indexed beginnings of
    words on PostgreSQL, longer ones as prefixes: the same answers as SQLite's."""
    from blueprints.cases.note_search import search_notes
    note = make_note(make_referral(team=team_a), users["practitioner"],
                     "Housing officer left a voicemail for the Übersetzerin; "
                     "NHS 9434765919; Mr O'Brien")
    assert [n.id for n in search_notes(typed, {team_a.id})] == ([note.id] if found else [])
