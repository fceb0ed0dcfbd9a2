"""030 letters: templates and their versions, court-list jobs, generated documents.

A generated document is immutable: triggers refuse UPDATE and DELETE of its rows.
"""

import peewee as pw
from peewee_migrate import Migrator

SQLITE_TRIGGERS = [
    """CREATE TRIGGER generated_document_no_update BEFORE UPDATE ON generated_document
       BEGIN SELECT RAISE(ABORT, 'generated documents cannot be changed'); END""",
    """CREATE TRIGGER generated_document_no_delete BEFORE DELETE ON generated_document
       BEGIN SELECT RAISE(ABORT, 'generated documents cannot be deleted'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION generated_document_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'generated documents cannot be changed or deleted'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER generated_document_no_change BEFORE UPDATE OR DELETE
       ON generated_document FOR EACH ROW EXECUTE FUNCTION generated_document_immutable()""",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):

    @migrator.create_model
    class LetterTemplate(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120, unique=True)
        purpose = pw.CharField(index=True, max_length=40)
        active = pw.BooleanField(default=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "letter_template"

    @migrator.create_model
    class TemplateVersion(pw.Model):
        id = pw.AutoField()
        template = pw.ForeignKeyField(column_name='template_id', field='id', model=migrator.orm['letter_template'], on_delete='RESTRICT')
        number = pw.IntegerField()
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], on_delete='RESTRICT')
        original_name = pw.CharField(default='', max_length=150)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        uploaded_at = pw.DateTimeField()
        note = pw.CharField(default='', max_length=300)

        class Meta:
            table_name = "template_version"
            indexes = [(('template', 'number'), True)]

    @migrator.create_model
    class LetterBatch(pw.Model):
        id = pw.AutoField()
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        template_version = pw.ForeignKeyField(column_name='template_version_id', field='id', model=migrator.orm['template_version'], on_delete='RESTRICT')
        hearing_date = pw.DateField()
        requested_by = pw.ForeignKeyField(column_name='requested_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        status = pw.CharField(default='queued', max_length=10)
        total = pw.IntegerField(default=0)
        done = pw.IntegerField(default=0)
        error = pw.CharField(default='', max_length=300)
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], null=True, on_delete='RESTRICT')
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "letter_batch"

    @migrator.create_model
    class GeneratedDocument(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        template_version = pw.ForeignKeyField(column_name='template_version_id', field='id', model=migrator.orm['template_version'], on_delete='RESTRICT')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        created_at = pw.DateTimeField(index=True)
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], on_delete='RESTRICT')
        sha256 = pw.CharField(max_length=64)
        file_name = pw.CharField(max_length=150)
        batch = pw.ForeignKeyField(column_name='batch_id', field='id', model=migrator.orm['letter_batch'], null=True, on_delete='RESTRICT')

        class Meta:
            table_name = "generated_document"
            indexes = [(('referral', 'created_at'), False)]

    statements = (POSTGRES_TRIGGERS if isinstance(database, pw.PostgresqlDatabase)
                  else SQLITE_TRIGGERS)
    for statement in statements:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('generated_document')

    migrator.remove_model('letter_batch')

    migrator.remove_model('template_version')

    migrator.remove_model('letter_template')
    if isinstance(database, pw.PostgresqlDatabase):  # its trigger went with the table
        migrator.sql("DROP FUNCTION IF EXISTS generated_document_immutable()")
