"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing
from .housing import HousingEvent, Placement, Property, Unit, WaitingEntry
from .pathways import (Enrolment, EnrolmentDriver, Goal, PathwaySession, Programme, RoadmapLink,
                       SessionProgress)
from .people import Hearing, Person, Referral, ReferralShare
from .timeline import TimelineEvent

ALL_MODELS = [Team, User, Membership, AuditEvent,
              Person, Referral, ReferralShare, Hearing, TimelineEvent,
              Programme, Enrolment, EnrolmentDriver, PathwaySession, SessionProgress, Goal,
              RoadmapLink, Property, Unit, WaitingEntry, Placement, HousingEvent]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "Enrolment", "EnrolmentDriver", "Goal",
           "Hearing", "HousingEvent", "PathwaySession", "Placement", "Programme", "Property",
           "RoadmapLink", "SessionProgress", "Unit", "WaitingEntry", "Membership", "Person", "Referral",
           "ReferralShare", "Team", "TimelineEvent", "User", "db",
           "init_db", "utcnow", "writing"]
