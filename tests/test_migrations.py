"""The numbered migrations build exactly the schema the models describe, without data loss."""
from peewee import SqliteDatabase

from models import ALL_MODELS
from models.base import db, is_sqlite
from models.notes import NOTE_TEXT
from models.schema import MIGRATIONS_DIR, pending, router, unmigrated_changes, upgrade
from tests.database import only_on
from tests.migration_scratch import all_migrations_but, postgres_scratch, scratch_database


def test_migrations_cover_every_model_change(tmp_path):
    scratch = SqliteDatabase(str(tmp_path / "empty.db"))
    changes = unmigrated_changes(scratch, ALL_MODELS)
    assert changes == "", f"model changes without a migration:\n{changes}"


def test_applied_migrations_match_the_models_column_by_column(app):
    database = db.obj
    tables = set(database.get_tables())
    # The one column no model declares, for note search only: SQLite's note readers, and
    # PostgreSQL's words-and-readers document.
    index_only = {NOTE_TEXT.table: {NOTE_TEXT.tags[0] if is_sqlite() else "search_doc"}}
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, f"{table} missing"
        columns = {c.name: c for c in database.get_columns(table)}
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(columns) == set(fields) | index_only.get(table, set()), table
        for name, field in fields.items():
            assert columns[name].null == field.null, f"{table}.{name} nullability"
        in_db = {(tuple(i.columns), bool(i.unique)) for i in database.get_indexes(table)}
        for index in model._meta.fields_to_index():
            cols = tuple(e.column_name for e in index._expressions)
            assert (cols, bool(index._unique)) in in_db, f"{table} index {cols}"


def test_upgrade_is_a_no_op_when_up_to_date(app):
    assert pending(db.obj) == []
    assert upgrade(db.obj) == []


def test_every_applied_migration_can_be_replayed_before_a_later_one(app):
    """Before it runs a pending migration, peewee-migrate replays every applied one with
    fake=True and the database's execute_sql mocked: a migration that reads the database
    then (a column list, say) would stop every later upgrade."""
    migrations = router(db.obj)
    assert migrations.diff == [] and migrations.done
    assert migrations.migrator is not None  # replays them all


def _schema_of(database) -> tuple[dict, list]:
    """Every table's columns and indexes, and the triggers and functions (PostgreSQL) made
    beside them."""
    tables = {}
    for table in sorted(database.get_tables()):
        tables[table] = (sorted((c.name, c.null) for c in database.get_columns(table)),
                         sorted((i.name, tuple(i.columns), i.unique)
                                for i in database.get_indexes(table)))
    if isinstance(database, SqliteDatabase):
        extra = [r[0] for r in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    else:
        extra = [r[0] for r in database.execute_sql(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal "
            "ORDER BY 1")] + [r[0] for r in database.execute_sql(
                "SELECT proname FROM pg_proc WHERE pronamespace = "
                "current_schema()::regnamespace ORDER BY 1")]
    return tables, extra


def test_every_migration_rolls_back_and_applies_again(app, tmp_path):
    """Rolled back one by one to nothing, then applied again, the migrations leave only
    their own history behind and make exactly the schema they made the first time."""
    with scratch_database("rollback", tmp_path) as scratch:
        router(scratch).run()
        made = _schema_of(scratch)
        for name in reversed(router(scratch).done):
            router(scratch).rollback()  # a router afresh: it replays what is applied
            assert name not in router(scratch).done
        tables, extra = _schema_of(scratch)
        assert (list(tables), extra) == (["migratehistory"], [])
        router(scratch).run()
        assert _schema_of(scratch) == made


def test_migrations_are_numbered_files_in_order():
    names = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.py"))
    assert names and names[0].startswith("001_")
    numbers = [int(n[:3]) for n in names]
    assert len(numbers) == len(set(numbers)), "two migrations share a number"


def test_my_open_referrals_are_read_in_page_order_not_sorted(app, users, team_a):
    """The newest of a practitioner's open referrals come straight from an index, in the
    order shown (a sort would read every one of them first: migration 016 gave PostgreSQL
    one it uses)."""
    from blueprints.cases.reads import _caseload_page
    sql, params = _caseload_page([team_a.id], 30, shared=False,
                                 mine=users["practitioner"].id).sql()
    if is_sqlite():
        plan = " ".join(str(row) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                           params).fetchall())
        assert "TEMP B-TREE" not in plan, plan
    else:
        plan = "\n".join(row[0] for row in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        assert "Sort" not in plan, plan


def test_only_the_page_order_index_of_my_open_referrals_is_left(app):
    """Migration 060, run after 016 on a new database, made again the index 016 dropped;
    with both, PostgreSQL sorted all of a practitioner's open referrals (095 drops it)."""
    indexes = {i.name: i.columns for i in db.obj.get_indexes("referral")}
    assert "referral_assignee_status" not in indexes
    assert indexes["referral_assignee_open"] == ["assigned_to_id", "status", "received_at", "id",
                                                 "team_id"]


def test_report_indexes_made_by_an_early_060_are_made_as_they_are_now(app):
    """060 was changed after some databases ran it; 097 makes its indexes again where they
    differ (and leaves alone those that match)."""
    database = db.obj

    def columns(table, name):
        return {i.name: i.columns for i in database.get_indexes(table)}.get(name)

    database.execute_sql("DROP INDEX referral_team_closed_at")
    database.execute_sql("CREATE INDEX referral_team_closed_at ON referral (team_id, closed_at)")
    database.execute_sql("DROP INDEX person_report_groups")
    import importlib

    from peewee_migrate import Migrator
    migrator = Migrator(database)  # run, not recorded: the test database has it already
    importlib.import_module("migrations.097_report_indexes_as_now").migrate(migrator, database)
    migrator()
    assert columns("referral", "referral_team_closed_at") == ["team_id", "closed_at", "outcome"]
    assert columns("person", "person_report_groups") == ["id", "gender", "ethnicity"]
    assert columns("referral", "referral_team_received_at") == [
        "team_id", "received_at", "person_id", "source", "screening_route"]


def test_a_typed_name_is_a_range_of_the_name_index(app, team_a):
    """Find a person: "smi" is read from where the names begin with it, not from "a"
    onwards (on PostgreSQL through migration 017's byte-ordered indexes)."""
    from blueprints.cases.finding import _one_word
    from models.prepared import team_list
    sql, params = _one_word.build(pattern="smi*" if is_sqlite() else "smi%",
                                  teams=team_list({team_a.id}), limit=25, given=False).sql()
    if is_sqlite():
        plan = " ".join(str(row) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                           params).fetchall())
        assert "family_key>? AND family_key<?" in plan and "TEMP B-TREE" not in plan, plan
    else:
        db.execute_sql("SET enable_seqscan = off")  # an empty table is cheaper to read whole
        plan = "\n".join(row[0] for row in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        db.execute_sql("RESET enable_seqscan")
        assert "person_family_key_bytewise" in plan and ">= 'smi'::text" in plan, plan
        assert "Sort" not in plan, plan


@only_on("postgres", "the pattern-ops indexes were PostgreSQL's only")
def test_postgresql_keeps_only_the_name_indexes_the_search_box_reads(app):
    """Migration 018 drops 011's pattern-ops name indexes, which 017's byte-ordered ones
    replaced, on a database migrated up to it; its rollback brings them back."""
    kept = {"person_family_key_bytewise", "person_given_key_bytewise"}
    dropped = {"person_family_key_prefix", "person_given_key_prefix"}
    with postgres_scratch("018") as scratch:
        def name_indexes():
            return {name for (name,) in scratch.execute_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'person' "
                "AND schemaname = current_schema() AND indexname LIKE 'person_%%_key_%%'")}

        migrations = all_migrations_but(scratch, "018_drop_name_pattern_indexes")
        assert kept | dropped <= name_indexes()
        migrations.run_one("018_drop_name_pattern_indexes", migrations.migrator, fake=False)
        assert kept <= name_indexes() and not dropped & name_indexes()
        migrations.run_one("018_drop_name_pattern_indexes", migrations.migrator, fake=False,
                           downgrade=True)
        assert kept | dropped <= name_indexes()
    # the database the app runs on has them no more
    assert not dropped & {name for (name,) in db.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}


@only_on("postgres", "the statistics are PostgreSQL's; SQLite walks the index without them")
def test_the_planner_expects_all_of_a_persons_notes_on_their_referral(app, users, team_a):
    """Migration 019: a note's referral decides its person, so "this person, this referral"
    matches as many notes as the referral has. Taken as independent conditions, PostgreSQL
    expected a tenth of them here (and on the bench database a handful of a long timeline's
    thousands), so it read them all and sorted instead of walking the timeline's index."""
    from tests.factories import make_referral
    author = users["practitioner"].id
    for _ in range(300):
        make_referral(team=team_a)
    focus = make_referral(team=team_a)
    for table, extra in (("case_note", ", author_id, note_type, body, created_at, "
                                       "amendment_count, version"),
                         ("timeline_event", ", kind, summary, link_type, link_id, at")):
        values = (f"{author}, 'contact', 'Seen.', now() - g * interval '1 minute', 0, 1"
                  if table == "case_note" else
                  "'hearing', 'Listed.', '', '', now() - g * interval '1 minute'")
        db.execute_sql(
            f"INSERT INTO {table} (person_id, referral_id, team_id{extra}) "
            f"SELECT r.person_id, r.id, r.team_id, {values} FROM referral r, "
            f"generate_series(1, CASE WHEN r.id = %s THEN 300 ELSE 10 END) g", (focus.id,))
        db.execute_sql(f"ANALYZE {table}")
        plan = db.execute_sql(
            f"EXPLAIN (FORMAT JSON) SELECT * FROM {table} WHERE person_id = %s "
            f"AND referral_id IN (%s)", (focus.person_id, focus.id)).fetchone()[0]
        expected = plan[0]["Plan"]["Plan Rows"]
        assert expected >= 150, f"{table}: the planner expects {expected} of 300 rows"


@only_on("postgres", "the statistics are PostgreSQL's")
def test_migration_019_adds_the_statistics_and_its_rollback_removes_them(app):
    with postgres_scratch("019") as scratch:
        def statistics():
            return {name for (name,) in scratch.execute_sql(
                "SELECT stxname FROM pg_statistic_ext "
                "WHERE stxnamespace = current_schema()::regnamespace")}

        migrations = all_migrations_but(scratch, "019_person_referral_statistics")
        assert statistics() == set()
        migrations.run_one("019_person_referral_statistics", migrations.migrator, fake=False)
        assert statistics() == {"case_note_person_referral", "timeline_event_person_referral"}
        migrations.run_one("019_person_referral_statistics", migrations.migrator, fake=False,
                           downgrade=True)
        assert statistics() == set()


def test_migration_090_drops_the_old_name_keys_of_removed_people(app, tmp_path, team_a, users):
    """People removed after the retention period before removal blanked their search keys
    lose the old keys; a living person's keys are left as they are."""
    import datetime as dt

    from models.accounts import Membership, Team, User
    from models.people import Person, Referral
    from models.retention import Destruction
    from tests.factories import make_person, make_referral
    removed = make_person(given_name="Removed", family_name="record")
    Person.update(given_key="maria", family_key="okafor").where(
        Person.id == removed.id).execute()  # what removal used to leave
    referral = make_referral(removed, team_a, status="closed", outcome="nfa",
                             closed_at=dt.datetime(2018, 1, 1))
    Destruction.create(referral=referral, team=team_a, person_id=removed.id,
                       received_at=referral.received_at, closed_at=referral.closed_at,
                       retention_years=6, approved_by=users["manager"])
    living = make_referral(make_person(given_name="Maria", family_name="Okafor"), team_a).person
    with scratch_database("090", tmp_path) as scratch:
        migrations = all_migrations_but(scratch, "090_removed_person_keys")
        with scratch.bind_ctx(ALL_MODELS):
            for model in (Team, User, Membership, Person, Referral, Destruction):
                rows = list(model.select().bind(db.obj).order_by(model.id).dicts())
                model.insert_many(rows).execute()
        migrations.run()
        keys = dict((i, (g, f)) for i, g, f in scratch.execute_sql(
            "SELECT id, given_key, family_key FROM person").fetchall())
    assert keys == {removed.id: ("removed", "record"), living.id: ("maria", "okafor")}
