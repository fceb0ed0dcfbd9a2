"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .files import FileChunk, StoredFile
from .housing import HousingEvent, Placement, Property, Unit, WaitingEntry
from .pathways import (Enrolment, EnrolmentDriver, Goal, PathwaySession, Programme, RoadmapLink,
                       SessionProgress)
from .people import Hearing, Person, Referral, ReferralShare
from .timeline import TimelineEvent

ALL_MODELS = [
    Team, User, Membership, AuditEvent,
    StoredFile, FileChunk,
    Person, Referral, ReferralShare, Hearing, TimelineEvent,
    Programme, Enrolment, EnrolmentDriver, PathwaySession, SessionProgress, Goal, RoadmapLink,
    Property, Unit, WaitingEntry, Placement, HousingEvent,
]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "Enrolment", "EnrolmentDriver", "FileChunk",
           "Goal", "Hearing", "HousingEvent", "Membership", "PathwaySession", "Person",
           "Placement", "Programme", "Property", "Referral", "ReferralShare", "RoadmapLink",
           "SessionProgress", "StoredFile", "Team", "TimelineEvent", "Unit", "User",
           "WaitingEntry", "db", "init_db", "utcnow", "writing"]
