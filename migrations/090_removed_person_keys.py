"""090 (case work, continued: 010-019 are taken) the search keys of people whose details
were removed after the retention period. Removal blanked the names but left their keys,
so the old name still found the record in the search box, as "Removed record"."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("UPDATE person SET given_key = 'removed', family_key = 'record' "
                 "WHERE given_name = 'Removed' AND family_name = 'record' "
                 "AND id IN (SELECT person_id FROM destruction)")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    pass  # the keys of the names that were removed are not known any more
