"""Keeping directory search results between requests, until the directory changes.

A search runs on every keystroke, and many practitioners type the same first letters, while
the directory itself changes a few times a day. Each process keeps recent results keyed by
the directory's generation: a random stamp that database triggers renew whenever any
directory table changes (migration 080), however the change was made. A search reads the
stamp (one row by primary key) and reuses what it found before under the same stamp, or
asks again. A stamp names one state of the directory, so results kept under it stay right
even after a restore from backup or with several databases in one process (the tests).
Results are the same for everyone who may search the directory; what a user may do with
them (edit, refer) is decided when the page is drawn, not here."""
from __future__ import annotations

import threading
from collections import OrderedDict

from peewee import BigIntegerField, CharField

from .base import BaseModel, db

KEEP = 512  # result pages kept per process (a page is 20 services)


class DirectoryGeneration(BaseModel):
    """One row (id 1): how many times the directory has changed, and a random stamp
    renewed with each change."""
    counter = BigIntegerField(default=0)
    stamp = CharField(max_length=32, default="")

    class Meta:
        table_name = "directory_generation"


def directory_generation() -> str | None:
    """The current stamp, or None when the row is missing (then nothing is kept)."""
    # Plain SQL: this runs on every keystroke of a search, and building it is most of its cost.
    row = db.execute_sql("SELECT stamp FROM directory_generation WHERE id = 1").fetchone()
    return row[0] if row and row[0] else None


class GenerationCache:
    """A small least-recently-used map whose keys carry the directory generation."""

    def __init__(self, size: int = KEEP):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get_or_compute(self, key: tuple, compute):
        generation = directory_generation()
        if generation is None:
            return compute()
        full_key = (generation, *key)
        with self.lock:
            if full_key in self.entries:
                self.entries.move_to_end(full_key)
                return self.entries[full_key]
        value = compute()
        with self.lock:
            self.entries[full_key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


search_results = GenerationCache()
