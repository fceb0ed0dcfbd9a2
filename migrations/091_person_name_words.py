"""091 (case work, continued) an index of the later words of people's names (and every word
of a preferred name), so the search box finds "souza" in De Souza and "jones" in
Griffiths-Jones: the name keys run a name's words together and are searched from their
start only. SQLite: a contentless FTS5 table kept in step by triggers; PostgreSQL: a GIN
index over an expression of the same words (models/name_words.py)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    from models import name_words
    for statement in name_words.create_sql(database):  # ends by indexing everyone
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    from models import name_words
    for statement in name_words.drop_sql(database):
        migrator.sql(statement)
