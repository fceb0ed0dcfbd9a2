"""Uploaded and generated files, kept in the database in 1 MB chunks.

A file is addressed by the SHA-256 of its contents (the same document uploaded twice is
stored once) and never by a name a user chose. Keeping the bytes in the database means
they are backed up with the records, and several app servers on PostgreSQL see the same
files with no shared disk. Files are written once and never changed.

    stored = store(data, "application/pdf", "pdf")
    for chunk in iter_chunks(stored): ...   # one chunk in memory at a time
"""
from __future__ import annotations

import hashlib
from typing import Iterator

from peewee import (BigIntegerField, BlobField, CharField, DateTimeField, ForeignKeyField,
                    IntegerField, IntegrityError)

from .base import BaseModel, db, utcnow

CHUNK_SIZE = 1024 * 1024


class StoredFile(BaseModel):
    sha256 = CharField(max_length=64, unique=True)
    size = BigIntegerField()
    content_type = CharField(max_length=120)
    kind = CharField(max_length=20)  # what check_upload found: docx, pdf, png...
    chunk_count = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "stored_file"


class FileChunk(BaseModel):
    file = ForeignKeyField(StoredFile, backref="chunks", on_delete="CASCADE")
    seq = IntegerField()
    data = BlobField()

    class Meta:
        table_name = "file_chunk"
        indexes = ((("file", "seq"), True),)


def store(data: bytes, content_type: str, kind: str) -> StoredFile:
    """Keep `data` (already checked) and return its StoredFile; the same bytes stored
    before return the existing row."""
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.get_or_none(StoredFile.sha256 == digest)
    if existing is not None:
        return existing
    try:
        with db.atomic():  # a savepoint when the caller is already in a transaction
            stored = StoredFile.create(
                sha256=digest, size=len(data), content_type=content_type, kind=kind,
                chunk_count=(len(data) + CHUNK_SIZE - 1) // CHUNK_SIZE)
            for seq, start in enumerate(range(0, len(data), CHUNK_SIZE)):
                FileChunk.create(file=stored, seq=seq, data=data[start:start + CHUNK_SIZE])
    except IntegrityError:
        # Someone stored the same bytes at the same moment: theirs is as good as ours.
        return StoredFile.get(StoredFile.sha256 == digest)
    return stored


def iter_chunks(stored_file: StoredFile) -> Iterator[bytes]:
    """The file's bytes, one chunk (one query) at a time, so a download never holds the
    whole file in memory."""
    for seq in range(stored_file.chunk_count):
        row = (FileChunk.select(FileChunk.data)
               .where((FileChunk.file == stored_file.id) & (FileChunk.seq == seq))
               .tuples().first())
        if row is None:
            raise LookupError(f"stored file {stored_file.id} is missing chunk {seq}")
        yield bytes(row[0])


def read_bytes(stored_file: StoredFile) -> bytes:
    """The whole file (for small files: templates, thumbnails)."""
    return b"".join(iter_chunks(stored_file))
