"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .follow_ups import FollowUp
from .letters import GeneratedDocument, LetterBatch, LetterTemplate, TemplateVersion
from .library import (Attendee, Feedback, Guide, GuideVersion, Handout, QuickSheet, ShareLink,
                      TrainingSession)
from .needs import NeedRating, NeedsAssessment
from .notes import CaseNote, CaseNoteAmendment
from .people import Hearing, Person, Referral, ReferralShare
from .retention import Destruction
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    CaseNote, CaseNoteAmendment, NeedsAssessment, NeedRating, FollowUp,
    LetterTemplate, TemplateVersion, LetterBatch, GeneratedDocument,
    Guide, GuideVersion, QuickSheet, TrainingSession, Handout, Attendee, Feedback, ShareLink,
    Destruction,
]

__all__ = ["ALL_MODELS", "BaseModel", "db", "init_db", "utcnow", "writing",
           *(model.__name__ for model in ALL_MODELS)]
