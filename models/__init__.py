"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .people import Hearing, Person, Referral, ReferralShare
from .retention import Destruction
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    Destruction,
]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "Destruction", "FileChunk", "Hearing", "Membership",
           "Person", "Referral", "ReferralShare", "StoredFile", "Team", "TimelineEvent",
           "User", "db", "init_db", "utcnow", "writing"]
