"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .library import (Attendee, Feedback, Guide, GuideVersion, Handout, QuickSheet, ShareLink,
                      TrainingSession)

ALL_MODELS = [Team, User, Membership, AuditEvent, StoredFile, FileChunk,
              Guide, GuideVersion, QuickSheet, TrainingSession, Handout, Attendee, Feedback,
              ShareLink]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "FileChunk", "Membership", "StoredFile", "Team", "User", "db",
           "init_db", "utcnow", "writing"]
