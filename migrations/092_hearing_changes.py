"""092 (case work, continued) hearings can be changed (adjourned, moved) and vacated, with a
reason: a version for changes made side by side, and when and why a hearing was vacated.
Hearings are kept rather than deleted, as letters and court lists were written from them."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'hearing',

        version=pw.IntegerField(default=1),
        vacated_at=pw.DateTimeField(null=True),
        vacated_reason=pw.CharField(default='', max_length=300))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('hearing', 'version', 'vacated_at', 'vacated_reason')
