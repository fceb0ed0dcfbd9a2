"""096 (case work, continued) later words of names on PostgreSQL fold the accents of
Latin Extended Additional too (Vietnamese: "hang" and "Hằng" find Thu Hằng), as SQLite's
index already did: the GIN index of migration 091 is made again over the wider folding
(models/search.py). A word typed in another script (Cyrillic, Greek) is looked up as it
is, as the index keeps it. SQLite is unchanged."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    from models import name_words
    for statement in name_words.drop_sql(database) + name_words.create_sql(database):
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """The index is left as it is: the search code before this migration asks for the
    narrower folding, which then reads people one by one rather than from the index."""
