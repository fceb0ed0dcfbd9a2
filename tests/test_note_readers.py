"""SQLite's note search narrows by each note's readers inside the full-text index
(models/notes.py, migration 014). The readers follow sharing and transfers, the index stays
in step with the notes through every change, and what a user finds is still decided by the
referral and the note type, never by the index alone."""
import pytest
from peewee import IntegrityError, SqliteDatabase

from models import ALL_MODELS
from models.accounts import Membership, Team, User
from models.base import db, is_sqlite
from models.notes import NOTE_TEXT, CaseNote
from models.people import Person, Referral, ReferralShare
from models.schema import router
from tests.factories import make_note, make_person, make_referral, make_team, make_user


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if not is_sqlite():
        pytest.skip("PostgreSQL's note search has no readers in its index")


def readers(note) -> set[str]:
    row = db.execute_sql("SELECT readers FROM case_note WHERE id = ?", [note.id]).fetchone()
    return set(row[0].split())


def index_is_in_step(database=db) -> None:
    """FTS5's own check of the index against the notes (raises when they differ)."""
    database.execute_sql(f"INSERT INTO {NOTE_TEXT.fts}({NOTE_TEXT.fts}, rank) "
                         "VALUES ('integrity-check', 1)")


def test_the_index_check_notices_an_index_out_of_step(team_a, users):
    note = make_note(make_referral(team=team_a), users["practitioner"], "hostel place")
    index_is_in_step()
    # What a trigger bug would do: the index told of words the note does not hold.
    db.execute_sql(f"INSERT INTO {NOTE_TEXT.fts}({NOTE_TEXT.fts}, rowid, body, readers) "
                   "VALUES ('delete', ?, 'other words', ?)", [note.id, f"t{team_a.id}"])
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
    db.execute_sql("UPDATE case_note SET readers = ? WHERE id = ?",
                   [f"t{team_a.id} t{team_b.id}", note.id])
    index_is_in_step()
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


def test_the_migration_gives_existing_notes_their_readers(tmp_path, team_a, team_b, users):
    """A database made before migration 014 (every other migration applied, notes written)
    gets each note's readers and an index that finds them."""
    scratch = SqliteDatabase(str(tmp_path / "before.db"), pragmas={"foreign_keys": 1})
    migrations = router(scratch)
    migrator = migrations.migrator
    for name in migrations.diff:
        if name != "014_note_readers":
            migrations.run_one(name, migrator, fake=False)
    assert migrations.diff == ["014_note_readers"]
    referral = make_referral(team=team_a)
    ReferralShare.create(referral=referral, team=team_b, from_team=team_a, kind="share",
                         shared_by=users["manager"])
    make_note(referral, users["practitioner"], "Hostel place")
    make_note(referral, users["practitioner"], "Hostel worry", note_type="safeguarding")
    with scratch.bind_ctx(ALL_MODELS):  # the same rows, written before the migration
        for model in (Team, User, Membership, Person, Referral, ReferralShare):
            model.insert_many(list(model.select().bind(db.obj).dicts())).execute()
        notes = list(CaseNote.select().bind(db.obj).order_by(CaseNote.id).dicts())
        CaseNote.insert_many(notes).execute()
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

