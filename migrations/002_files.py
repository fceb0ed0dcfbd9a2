"""002 files: uploaded and generated files, content-addressed, in 1 MB database chunks."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class StoredFile(pw.Model):
        id = pw.AutoField()
        sha256 = pw.CharField(max_length=64, unique=True)
        size = pw.BigIntegerField()
        content_type = pw.CharField(max_length=120)
        kind = pw.CharField(max_length=20)
        chunk_count = pw.IntegerField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "stored_file"

    @migrator.create_model
    class FileChunk(pw.Model):
        id = pw.AutoField()
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], on_delete='CASCADE')
        seq = pw.IntegerField()
        data = pw.BlobField()

        class Meta:
            table_name = "file_chunk"
            indexes = [(('file', 'seq'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('file_chunk')
    migrator.remove_model('stored_file')
