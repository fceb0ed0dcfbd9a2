"""070 retention: the stub left when a referral's content is destroyed after the retention
period (who approved it, when, and the referral's dates)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Destruction(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT', unique=True)
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        person_id = pw.IntegerField(index=True)
        received_at = pw.DateTimeField()
        closed_at = pw.DateTimeField()
        retention_years = pw.IntegerField()
        approved_by = pw.ForeignKeyField(column_name='approved_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        approved_at = pw.DateTimeField()

        class Meta:
            table_name = "destruction"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('destruction')
