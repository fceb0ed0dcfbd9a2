"""040 pathways and housing: programmes, enrolments, drivers, sessions, goals, roadmap
links; properties, units, waiting list, placements and the board's history.

A unit holds one person at a time, and a person holds one place at a time: two unique
partial indexes on the open placements (ended_at IS NULL). SQLite and PostgreSQL both
support partial indexes with the same syntax."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


OPEN_PLACEMENT_INDEXES = [
    "CREATE UNIQUE INDEX placement_one_open_per_unit ON placement (unit_id) "
    "WHERE ended_at IS NULL",
    "CREATE UNIQUE INDEX placement_one_open_per_person ON placement (person_id) "
    "WHERE ended_at IS NULL",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Programme(pw.Model):
        id = pw.AutoField()
        key = pw.CharField(max_length=40, unique=True)
        name = pw.CharField(max_length=120)
        description = pw.TextField(default='')
        eligibility = pw.TextField(default='')
        session_limit = pw.IntegerField(null=True)
        driver_cap = pw.IntegerField(null=True)
        women_only = pw.BooleanField(default=True)
        active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "programme"

    @migrator.create_model
    class Enrolment(pw.Model):
        id = pw.AutoField()
        programme = pw.ForeignKeyField(column_name='programme_id', field='id', model=migrator.orm['programme'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        worker = pw.ForeignKeyField(column_name='worker_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        status = pw.CharField(default='active', max_length=12)
        eligibility_answers = pw.TextField(default='[]')
        eligible = pw.BooleanField(default=True)
        override_by = pw.ForeignKeyField(column_name='override_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        override_reason = pw.TextField(default='')
        enrolled_by = pw.ForeignKeyField(column_name='enrolled_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        enrolled_at = pw.DateTimeField()
        last_contact_on = pw.DateField(null=True)
        discharged_at = pw.DateTimeField(null=True)
        discharged_by = pw.ForeignKeyField(column_name='discharged_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        discharge_summary = pw.TextField(default='')
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "enrolment"
            indexes = [(('referral', 'programme'), True), (('programme', 'status'), False), (('team', 'status'), False)]

    @migrator.create_model
    class EnrolmentDriver(pw.Model):
        id = pw.AutoField()
        enrolment = pw.ForeignKeyField(column_name='enrolment_id', field='id', model=migrator.orm['enrolment'], on_delete='RESTRICT')
        driver = pw.CharField(max_length=30)
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "enrolment_driver"
            indexes = [(('enrolment', 'driver'), True)]

    @migrator.create_model
    class Goal(pw.Model):
        id = pw.AutoField()
        enrolment = pw.ForeignKeyField(column_name='enrolment_id', field='id', model=migrator.orm['enrolment'], on_delete='RESTRICT')
        driver = pw.CharField(max_length=30)
        text = pw.CharField(max_length=300)
        status = pw.CharField(default='not_started', max_length=20)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "goal"

    @migrator.create_model
    class Property(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120)
        address = pw.CharField(default='', max_length=300)
        provider = pw.CharField(max_length=120)
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        notes = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "property"

    @migrator.create_model
    class Unit(pw.Model):
        id = pw.AutoField()
        building = pw.ForeignKeyField(column_name='property_id', field='id', model=migrator.orm['property'], on_delete='RESTRICT')
        label = pw.CharField(max_length=60)
        status = pw.CharField(default='vacant', max_length=10)
        updated_at = pw.DateTimeField()
        updated_by = pw.ForeignKeyField(column_name='updated_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "housing_unit"
            indexes = [(('building', 'label'), True)]

    @migrator.create_model
    class WaitingEntry(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        referral = pw.ForeignKeyField(column_name='referral_id', field='id', model=migrator.orm['referral'], on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        priority = pw.IntegerField(default=3)
        needs_summary = pw.CharField(default='', max_length=300)
        status = pw.CharField(default='waiting', max_length=10)
        added_at = pw.DateTimeField()
        added_by = pw.ForeignKeyField(column_name='added_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        closed_at = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField()
        updated_by = pw.ForeignKeyField(column_name='updated_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "waiting_entry"
            indexes = [(('team', 'status'), False)]

    @migrator.create_model
    class Placement(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['housing_unit'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        waiting_entry = pw.ForeignKeyField(column_name='waiting_entry_id', field='id', model=migrator.orm['waiting_entry'], null=True, on_delete='RESTRICT')
        offered_at = pw.DateTimeField()
        offered_by = pw.ForeignKeyField(column_name='offered_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        moved_in_on = pw.DateField(null=True)
        expected_move_on = pw.DateField(null=True)
        moved_out_on = pw.DateField(null=True)
        ended_at = pw.DateTimeField(null=True)
        end_reason = pw.CharField(max_length=10, null=True)
        destination = pw.CharField(max_length=30, null=True)
        ended_by = pw.ForeignKeyField(column_name='ended_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "placement"
            indexes = [(('unit', 'offered_at'), False)]

    @migrator.create_model
    class HousingEvent(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['housing_unit'], null=True, on_delete='RESTRICT')
        waiting_entry = pw.ForeignKeyField(column_name='waiting_entry_id', field='id', model=migrator.orm['waiting_entry'], null=True, on_delete='RESTRICT')
        placement = pw.ForeignKeyField(column_name='placement_id', field='id', model=migrator.orm['placement'], null=True, on_delete='RESTRICT')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        action = pw.CharField(max_length=30)
        from_status = pw.CharField(default='', max_length=10)
        to_status = pw.CharField(default='', max_length=10)
        detail = pw.CharField(default='', max_length=200)
        by = pw.ForeignKeyField(column_name='by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        at = pw.DateTimeField()

        class Meta:
            table_name = "housing_event"
            indexes = [(('team', 'at'), False)]

    @migrator.create_model
    class PathwaySession(pw.Model):
        id = pw.AutoField()
        enrolment = pw.ForeignKeyField(column_name='enrolment_id', field='id', model=migrator.orm['enrolment'], on_delete='RESTRICT')
        planned_on = pw.DateField()
        status = pw.CharField(default='planned', max_length=20)
        notes = pw.TextField(default='')
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "pathway_session"
            indexes = [(('enrolment', 'planned_on'), False)]

    @migrator.create_model
    class RoadmapLink(pw.Model):
        id = pw.AutoField()
        enrolment = pw.ForeignKeyField(column_name='enrolment_id', field='id', model=migrator.orm['enrolment'], on_delete='RESTRICT')
        category = pw.CharField(max_length=20)
        service_id = pw.IntegerField(null=True)
        name = pw.CharField(max_length=200)
        details = pw.CharField(default='', max_length=500)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "roadmap_link"

    @migrator.create_model
    class SessionProgress(pw.Model):
        id = pw.AutoField()
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['pathway_session'], on_delete='RESTRICT')
        driver = pw.CharField(max_length=30)
        level = pw.CharField(max_length=20)
        note = pw.CharField(default='', max_length=500)

        class Meta:
            table_name = "session_progress"
            indexes = [(('session', 'driver'), True)]

    for statement in OPEN_PLACEMENT_INDEXES:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('session_progress')

    migrator.remove_model('roadmap_link')

    migrator.remove_model('pathway_session')

    migrator.remove_model('housing_event')

    migrator.remove_model('placement')

    migrator.remove_model('waiting_entry')

    migrator.remove_model('housing_unit')

    migrator.remove_model('property')

    migrator.remove_model('goal')

    migrator.remove_model('enrolment_driver')

    migrator.remove_model('enrolment')

    migrator.remove_model('programme')
