"""093 (case work, continued) follow-ups can be rescheduled and reassigned: a version, so a
change made on a stale page is refused rather than overwriting another."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields('follow_up', version=pw.IntegerField(default=1))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('follow_up', 'version')
