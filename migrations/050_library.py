"""050 library: guides and versions, quick-reference sheets, training sessions with their
attendance register, handouts and feedback, share links; full-text search on guides and
sheets."""

import peewee as pw
from peewee_migrate import Migrator

from models.search import FullText

# Declared here, not imported from the models, so this migration never changes meaning.
GUIDE_TEXT = FullText("guide", ["title", "summary"])
SHEET_TEXT = FullText("quick_sheet", ["title", "summary", "body"])


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Guide(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        summary = pw.TextField(default='')
        topics = pw.CharField(default='', max_length=300)
        audiences = pw.CharField(default='', max_length=200)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "guide"

    @migrator.create_model
    class GuideVersion(pw.Model):
        id = pw.AutoField()
        guide = pw.ForeignKeyField(column_name='guide_id', field='id', model=migrator.orm['guide'], on_delete='RESTRICT')
        label = pw.CharField(max_length=40)
        changes = pw.TextField(default='')
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], on_delete='RESTRICT')
        thumbnail = pw.ForeignKeyField(column_name='thumbnail_id', field='id', model=migrator.orm['stored_file'], null=True, on_delete='RESTRICT')
        kind = pw.CharField(max_length=10)
        pages = pw.IntegerField(null=True)
        published = pw.BooleanField(default=True)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        uploaded_at = pw.DateTimeField()
        download_count = pw.IntegerField(default=0)

        class Meta:
            table_name = "guide_version"
            indexes = [(('guide', 'label'), True)]

    @migrator.create_model
    class QuickSheet(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        summary = pw.CharField(default='', max_length=500)
        body = pw.TextField()
        topics = pw.CharField(default='', max_length=300)
        audiences = pw.CharField(default='', max_length=200)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        updated_by = pw.ForeignKeyField(column_name='updated_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "quick_sheet"

    @migrator.create_model
    class TrainingSession(pw.Model):
        id = pw.AutoField()
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        title = pw.CharField(max_length=200)
        date = pw.DateField()
        venue = pw.CharField(max_length=200)
        trainers = pw.CharField(max_length=300)
        organisation = pw.CharField(max_length=200)
        topics = pw.CharField(default='', max_length=300)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "training_session"

    @migrator.create_model
    class Handout(pw.Model):
        id = pw.AutoField()
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['training_session'], on_delete='CASCADE')
        guide_version = pw.ForeignKeyField(column_name='guide_version_id', field='id', model=migrator.orm['guide_version'], on_delete='RESTRICT')

        class Meta:
            table_name = "handout"
            indexes = [(('session', 'guide_version'), True)]

    @migrator.create_model
    class Attendee(pw.Model):
        id = pw.AutoField()
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['training_session'], on_delete='CASCADE')
        name = pw.CharField(max_length=120)
        organisation = pw.CharField(default='', max_length=200)
        role = pw.CharField(default='', max_length=120)
        email = pw.CharField(default='', max_length=254)
        attended = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "attendee"

    @migrator.create_model
    class Feedback(pw.Model):
        id = pw.AutoField()
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['training_session'], on_delete='CASCADE')
        usefulness = pw.IntegerField()
        what_to_change = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "feedback"

    @migrator.create_model
    class ShareLink(pw.Model):
        id = pw.AutoField()
        token_hash = pw.CharField(max_length=64, unique=True)
        purpose = pw.CharField(max_length=20)
        guide_version = pw.ForeignKeyField(column_name='guide_version_id', field='id', model=migrator.orm['guide_version'], null=True, on_delete='RESTRICT')
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['training_session'], null=True, on_delete='RESTRICT')
        note = pw.CharField(default='', max_length=200)
        expires_at = pw.DateTimeField()
        max_uses = pw.IntegerField(null=True)
        use_count = pw.IntegerField(default=0)
        revoked_at = pw.DateTimeField(null=True)
        revoked_by = pw.ForeignKeyField(column_name='revoked_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "share_link"

    for index in (GUIDE_TEXT, SHEET_TEXT):
        for statement in index.create_sql(database):
            migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for index in (GUIDE_TEXT, SHEET_TEXT):
        for statement in index.drop_sql(database):
            migrator.sql(statement)
    migrator.remove_model('share_link')
    migrator.remove_model('feedback')
    migrator.remove_model('attendee')
    migrator.remove_model('handout')
    migrator.remove_model('training_session')
    migrator.remove_model('quick_sheet')
    migrator.remove_model('guide_version')
    migrator.remove_model('guide')
