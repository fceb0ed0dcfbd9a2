"""080 directory generation: a stamp the database itself renews whenever any table of the
service directory changes, so a search can keep its results until then (see
models/directory_cache.py). Triggers, not application code, renew it: an import, a form, a
command or a hand-made change all count. The stamp is random, not a count, so it names one
state of the directory even across a restore from backup."""

import peewee as pw
from peewee_migrate import Migrator

DIRECTORY_TABLES = ["organization", "taxonomy", "taxonomy_term", "service", "location",
                    "address", "service_at_location", "contact", "phone", "service_area",
                    "service_term"]

BUMP = ("UPDATE directory_generation SET counter = counter + 1, "
        "stamp = lower(hex(randomblob(16))) WHERE id = 1")


def sqlite_triggers(table: str) -> list[str]:
    return [f"""CREATE TRIGGER directory_generation_{table}_{event.lower()} AFTER {event}
                ON {table} BEGIN {BUMP}; END""" for event in ("INSERT", "UPDATE", "DELETE")]


# On PostgreSQL the counter row is put back if it has gone (a TRUNCATE of every table).
POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION directory_generation_bump() RETURNS trigger
    AS $$ BEGIN
      INSERT INTO directory_generation (id, counter, stamp)
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (id) DO UPDATE SET counter = directory_generation.counter + 1,
                                       stamp = EXCLUDED.stamp;
      RETURN NULL;
    END; $$ LANGUAGE plpgsql"""


def postgres_trigger(table: str) -> str:
    return f"""CREATE TRIGGER directory_generation_{table} AFTER INSERT OR UPDATE OR DELETE
               OR TRUNCATE ON {table} FOR EACH STATEMENT
               EXECUTE FUNCTION directory_generation_bump()"""


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class DirectoryGeneration(pw.Model):
        id = pw.AutoField()
        counter = pw.BigIntegerField(default=0)
        stamp = pw.CharField(max_length=32, default="")

        class Meta:
            table_name = "directory_generation"

    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("INSERT INTO directory_generation (id, counter, stamp) "
                     "VALUES (1, 0, md5(random()::text || clock_timestamp()::text))")
        migrator.sql(POSTGRES_FUNCTION)
        for table in DIRECTORY_TABLES:
            migrator.sql(postgres_trigger(table))
    else:
        migrator.sql("INSERT INTO directory_generation (id, counter, stamp) "
                     "VALUES (1, 0, lower(hex(randomblob(16))))")
        for table in DIRECTORY_TABLES:
            for statement in sqlite_triggers(table):
                migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in DIRECTORY_TABLES:
        if isinstance(database, pw.PostgresqlDatabase):
            migrator.sql(f"DROP TRIGGER IF EXISTS directory_generation_{table} ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                migrator.sql(f"DROP TRIGGER IF EXISTS directory_generation_{table}_{event}")
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("DROP FUNCTION IF EXISTS directory_generation_bump()")
    migrator.remove_model("directory_generation")
