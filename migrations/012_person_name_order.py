"""012 person name order: the search box reads people in family-name and given-name order
along an index and stops at a page of results."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_index('person', 'family_key', 'given_key', 'id')
    migrator.add_index('person', 'given_key', 'family_key', 'id')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index('person', 'family_key', 'given_key', 'id')
    migrator.drop_index('person', 'given_key', 'family_key', 'id')
