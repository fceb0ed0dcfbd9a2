"""021 referrals of people to directory services, and their status history."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ServiceReferral(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        service = pw.ForeignKeyField(column_name='service_id', field='id', model=migrator.orm['service'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        reason = pw.TextField(default='')
        method = pw.CharField(max_length=20)
        sent_on = pw.DateField()
        follow_up_on = pw.DateField(index=True, null=True)
        status = pw.CharField(default='made', max_length=20)
        status_on = pw.DateField()
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "service_referral"
            indexes = [(('service', 'sent_on'), False), (('status', 'follow_up_on'), False)]

    @migrator.create_model
    class ServiceReferralUpdate(pw.Model):
        id = pw.AutoField()
        service_referral = pw.ForeignKeyField(column_name='service_referral_id', field='id', model=migrator.orm['service_referral'], on_delete='RESTRICT')
        from_status = pw.CharField(default='', max_length=20)
        status = pw.CharField(max_length=20)
        changed_on = pw.DateField()
        note = pw.TextField(default='')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        at = pw.DateTimeField()

        class Meta:
            table_name = "service_referral_update"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('service_referral_update')

    migrator.remove_model('service_referral')
