"""001 foundation: accounts (users, teams, memberships) and the append-only audit trail."""

import peewee as pw
from peewee_migrate import Migrator

# Audit rows can be added, never changed or removed (see models/audit.py).
SQLITE_AUDIT_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRES_AUDIT_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120)
        email = pw.CharField(max_length=254, unique=True)
        password_hash = pw.CharField(max_length=255)
        role = pw.CharField(max_length=20)
        active = pw.BooleanField(default=True)
        alt_id = pw.CharField(max_length=64, unique=True)
        last_login_at = pw.DateTimeField(null=True)
        must_change_password = pw.BooleanField(default=False)
        password_changed_at = pw.DateTimeField()
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "user_account"

    @migrator.create_model
    class AuditEvent(pw.Model):
        id = pw.IntegerField(primary_key=True)
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user_account'], null=True, on_delete='RESTRICT')
        action = pw.CharField(index=True, max_length=60)
        object_type = pw.CharField(default='', max_length=40)
        object_id = pw.CharField(default='', max_length=64)
        person_id = pw.IntegerField(index=True, null=True)
        team_id = pw.IntegerField(index=True, null=True)
        ip = pw.CharField(default='', max_length=64)
        detail = pw.CharField(default='', max_length=500)
        prev_hash = pw.CharField(max_length=64)
        hash = pw.CharField(max_length=64)

        class Meta:
            table_name = "audit_event"

    @migrator.create_model
    class Team(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120, unique=True)
        site_type = pw.CharField(max_length=40)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "team"

    @migrator.create_model
    class Membership(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user_account'], on_delete='CASCADE')
        team = pw.ForeignKeyField(column_name='team_id', field='id', model=migrator.orm['team'], on_delete='RESTRICT')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "membership"
            indexes = [(('user', 'team'), True)]


    statements = (POSTGRES_AUDIT_TRIGGERS if isinstance(database, pw.PostgresqlDatabase)
                  else SQLITE_AUDIT_TRIGGERS)
    for statement in statements:
        migrator.sql(statement)

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('membership')

    migrator.remove_model('team')

    migrator.remove_model('audit_event')

    migrator.remove_model('user_account')
    if isinstance(database, pw.PostgresqlDatabase):  # its trigger went with the table
        migrator.sql("DROP FUNCTION IF EXISTS audit_event_append_only()")
