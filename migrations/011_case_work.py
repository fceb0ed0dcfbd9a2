"""011 case work: notes with amendments and full-text search, needs assessments,
follow-ups, person name search keys, one person per NHS number, caseload indexes."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):

    migrator.add_fields(
        'person',

        family_key=pw.CharField(default='', index=True, max_length=100),
        given_key=pw.CharField(default='', index=True, max_length=100))

    def fill_name_keys(database):
        from models.people import name_key
        rows = database.execute_sql("SELECT id, given_name, family_name FROM person").fetchall()
        for person_id, given, family in rows:
            database.execute_sql(
                "UPDATE person SET given_key = %s, family_key = %s WHERE id = %s"
                .replace("%s", database.param), (name_key(given), name_key(family), person_id))

    migrator.run(fill_name_keys, database)

    migrator.drop_index('person', 'nhs_number')
    migrator.change_fields('person', nhs_number=pw.CharField(max_length=10, null=True, unique=True))

    @migrator.create_model
    class CaseNote(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        note_type = pw.CharField(max_length=20)
        body = pw.TextField()
        created_at = pw.DateTimeField()
        amended_at = pw.DateTimeField(null=True)
        amendment_count = pw.IntegerField(default=0)
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "case_note"
            indexes = [(('person', 'created_at', 'id'), False), (('team', 'created_at'), False)]

    @migrator.create_model
    class CaseNoteAmendment(pw.Model):
        id = pw.AutoField()
        note = pw.ForeignKeyField(column_name='note_id', field='id', model=migrator.orm['case_note'], on_delete='RESTRICT')
        previous_body = pw.TextField()
        new_body = pw.TextField()
        reason = pw.CharField(max_length=500)
        amended_by = pw.ForeignKeyField(column_name='amended_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        amended_at = pw.DateTimeField()

        class Meta:
            table_name = "case_note_amendment"
            indexes = [(('note', 'amended_at'), False)]

    @migrator.create_model
    class FollowUp(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        due_date = pw.DateField()
        what = pw.CharField(max_length=300)
        assigned_to = pw.ForeignKeyField(column_name='assigned_to_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        done_at = pw.DateTimeField(null=True)
        done_by = pw.ForeignKeyField(column_name='done_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')

        class Meta:
            table_name = "follow_up"
            indexes = [(('assigned_to', 'done_at', 'due_date'), False), (('referral', 'due_date'), False)]

    @migrator.create_model
    class NeedsAssessment(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        assessed_by = pw.ForeignKeyField(column_name='assessed_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        assessed_at = pw.DateTimeField()

        class Meta:
            table_name = "needs_assessment"
            indexes = [(('person', 'assessed_at'), False), (('referral', 'assessed_at'), False)]

    @migrator.create_model
    class NeedRating(pw.Model):
        id = pw.AutoField()
        assessment = pw.ForeignKeyField(column_name='assessment_id', field='id', model=migrator.orm['needs_assessment'], on_delete='RESTRICT')
        domain = pw.CharField(max_length=30)
        level = pw.CharField(max_length=10)
        note = pw.TextField(default='')

        class Meta:
            table_name = "need_rating"
            indexes = [(('assessment', 'domain'), True)]

    migrator.add_index('referral', 'team', 'status', 'received_at')
    migrator.add_index('referral', 'assigned_to', 'status')

    from models.search import FullText
    for statement in FullText("case_note", ["body"]).create_sql(database):
        migrator.sql(statement)
    if isinstance(database, pw.PostgresqlDatabase):
        # Name search is a prefix LIKE on the keys: it needs pattern-ops indexes on
        # PostgreSQL (SQLite uses the plain indexes for GLOB).
        for column in ("family_key", "given_key"):
            migrator.sql(f"CREATE INDEX person_{column}_prefix ON person "
                         f"({column} varchar_pattern_ops)")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    from models.search import FullText
    for statement in FullText("case_note", ["body"]).drop_sql(database):
        migrator.sql(statement)
    if isinstance(database, pw.PostgresqlDatabase):
        for column in ("family_key", "given_key"):
            migrator.sql(f"DROP INDEX IF EXISTS person_{column}_prefix")
    migrator.drop_index('referral', 'team', 'status', 'received_at')
    migrator.drop_index('referral', 'assigned_to', 'status')

    # The keys' own indexes first: SQLite cannot drop a column an index still names.
    for column in ("family_key", "given_key"):
        migrator.sql(f"DROP INDEX IF EXISTS person_{column}")
    migrator.remove_fields('person', 'family_key', 'given_key')

    migrator.drop_index('person', 'nhs_number')
    migrator.change_fields('person', nhs_number=pw.CharField(index=True, max_length=10, null=True))
    # change_fields does not make the plain index again on PostgreSQL (migrate drops it).
    migrator.sql("CREATE INDEX IF NOT EXISTS person_nhs_number ON person (nhs_number)")

    migrator.remove_model('need_rating')

    migrator.remove_model('needs_assessment')

    migrator.remove_model('follow_up')

    migrator.remove_model('case_note_amendment')

    migrator.remove_model('case_note')
