"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .library import (Attendee, Feedback, Guide, GuideVersion, Handout, QuickSheet, ShareLink,
                      TrainingSession)
from .people import Hearing, Person, Referral, ReferralShare
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    Guide, GuideVersion, QuickSheet, TrainingSession, Handout, Attendee, Feedback, ShareLink,
]

__all__ = ["ALL_MODELS", "Attendee", "AuditEvent", "BaseModel", "Feedback", "FileChunk",
           "Guide", "GuideVersion", "Handout", "Hearing", "Membership", "Person", "QuickSheet",
           "Referral", "ReferralShare", "ShareLink", "StoredFile", "Team", "TimelineEvent",
           "TrainingSession", "User", "db", "init_db", "utcnow", "writing"]
