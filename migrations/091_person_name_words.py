"""091 (case work, continued) a full-text index of every word of a person's names, so the
search box finds "souza" in De Souza, "jones" in Griffiths-Jones and a preferred name: the
name keys run a name's words together and are searched from their start only. SQLite: an
FTS5 table kept in step by triggers; PostgreSQL: a GIN index over the names' tsvector."""

import peewee as pw
from peewee_migrate import Migrator

# The index as this migration makes it (models.people.PERSON_NAMES).
NAME_WORDS = dict(table="person", columns=["given_name", "family_name", "preferred_name"],
                  prefix="2 3 4 5 6")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    from models.search import FullText
    for statement in FullText(**NAME_WORDS).create_sql(database):  # ends by indexing everyone
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    from models.search import FullText
    for statement in FullText(**NAME_WORDS).drop_sql(database):
        migrator.sql(statement)
