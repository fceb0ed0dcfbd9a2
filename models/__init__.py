"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .follow_ups import FollowUp
from .letters import GeneratedDocument, LetterBatch, LetterTemplate, TemplateVersion
from .needs import NeedRating, NeedsAssessment
from .notes import CaseNote, CaseNoteAmendment
from .people import Hearing, Person, Referral, ReferralShare
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    CaseNote, CaseNoteAmendment, NeedsAssessment, NeedRating, FollowUp,
    LetterTemplate, TemplateVersion, LetterBatch, GeneratedDocument,
]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "CaseNote", "CaseNoteAmendment",
           "FileChunk", "FollowUp", "GeneratedDocument", "Hearing", "LetterBatch",
           "LetterTemplate", "Membership", "NeedRating", "NeedsAssessment", "Person",
           "Referral", "ReferralShare", "StoredFile", "Team", "TemplateVersion",
           "TimelineEvent", "User", "db", "init_db", "utcnow", "writing"]
