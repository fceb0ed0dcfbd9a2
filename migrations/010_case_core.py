"""010 case work core: people, referrals, shares and transfers, hearings, timeline events."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Person(pw.Model):
        id = pw.AutoField()
        given_name = pw.CharField(max_length=100)
        family_name = pw.CharField(max_length=100)
        preferred_name = pw.CharField(default='', max_length=100)
        date_of_birth = pw.DateField(index=True, null=True)
        gender = pw.CharField(default='not_stated', max_length=20)
        ethnicity = pw.CharField(default='not_stated', max_length=40)
        pronouns = pw.CharField(default='', max_length=40)
        nhs_number = pw.CharField(index=True, max_length=10, null=True)
        pnc_id = pw.CharField(index=True, max_length=20, null=True)
        phone = pw.CharField(default='', max_length=40)
        address = pw.TextField(default='')
        housing_status = pw.CharField(default='not_known', max_length=20)
        gp_practice = pw.CharField(default='', max_length=200)
        first_language = pw.CharField(default='English', max_length=60)
        interpreter_needed = pw.BooleanField(default=False)
        communication_needs = pw.CharField(default='', max_length=200)
        consent_scope = pw.CharField(max_length=20, null=True)
        consent_date = pw.DateField(null=True)
        consent_recorded_by = pw.ForeignKeyField(column_name='consent_recorded_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "person"
            indexes = [(('family_name', 'given_name'), False)]

    @migrator.create_model
    class Referral(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        received_at = pw.DateTimeField()
        source = pw.CharField(max_length=30)
        screening_route = pw.CharField(max_length=20)
        reason = pw.TextField(default='')
        assigned_to = pw.ForeignKeyField(column_name='assigned_to_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        status = pw.CharField(default='open', max_length=10)
        outcome = pw.CharField(max_length=30, null=True)
        closure_reason = pw.TextField(default='')
        closed_at = pw.DateTimeField(null=True)
        triage_date = pw.DateField(null=True)
        triage_result = pw.CharField(max_length=20, null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "referral"
            indexes = [(('team', 'status'), False), (('person', 'received_at'), False)]

    @migrator.create_model
    class Hearing(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        court = pw.CharField(max_length=120)
        date = pw.DateField(index=True)
        time = pw.TimeField(null=True)
        courtroom = pw.CharField(default='', max_length=40)
        purpose = pw.CharField(max_length=30)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "hearing"

    @migrator.create_model
    class ReferralShare(pw.Model):
        id = pw.AutoField()
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        from_team = pw.ForeignKeyField(column_name='from_team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        kind = pw.CharField(max_length=10)
        reason = pw.TextField(default='')
        shared_by = pw.ForeignKeyField(column_name='shared_by_id', field='id', model=migrator.orm['user_account'], on_delete='RESTRICT')
        shared_at = pw.DateTimeField()

        class Meta:
            table_name = "referral_share"
            indexes = [(('team', 'referral'), False)]

    @migrator.create_model
    class TimelineEvent(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        kind = pw.CharField(max_length=40)
        summary = pw.CharField(max_length=300)
        link_type = pw.CharField(default='', max_length=40)
        link_id = pw.CharField(default='', max_length=64)
        at = pw.DateTimeField()

        class Meta:
            table_name = "timeline_event"
            indexes = [(('person', 'at'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('timeline_event')

    migrator.remove_model('referral_share')

    migrator.remove_model('hearing')

    migrator.remove_model('referral')

    migrator.remove_model('person')
