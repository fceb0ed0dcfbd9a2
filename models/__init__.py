"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .directory import DIRECTORY_MODELS
from .directory_cache import DirectoryGeneration
from .files import FileChunk, StoredFile
from .follow_ups import FollowUp
from .housing import HousingEvent, Placement, Property, Unit, WaitingEntry
from .letters import GeneratedDocument, LetterBatch, LetterTemplate, TemplateVersion
from .library import (Attendee, Feedback, Guide, GuideVersion, Handout, QuickSheet, ShareLink,
                      TrainingSession)
from .needs import NeedRating, NeedsAssessment
from .notes import CaseNote, CaseNoteAmendment
from .pathways import (Enrolment, EnrolmentDriver, Goal, PathwaySession, Programme, RoadmapLink,
                       SessionProgress)
from .people import Hearing, Person, Referral, ReferralShare
from .retention import Destruction
from .service_referrals import SERVICE_REFERRAL_MODELS
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    CaseNote, CaseNoteAmendment, NeedsAssessment, NeedRating, FollowUp,
    LetterTemplate, TemplateVersion, LetterBatch, GeneratedDocument,
    Guide, GuideVersion, QuickSheet, TrainingSession, Handout, Attendee, Feedback, ShareLink,
    *DIRECTORY_MODELS, DirectoryGeneration, *SERVICE_REFERRAL_MODELS,
    Programme, Enrolment, EnrolmentDriver, PathwaySession, SessionProgress, Goal, RoadmapLink,
    Property, Unit, WaitingEntry, Placement, HousingEvent,
    Destruction,
]

__all__ = ["ALL_MODELS", "BaseModel", "db", "init_db", "utcnow", "writing",
           *(model.__name__ for model in ALL_MODELS)]
