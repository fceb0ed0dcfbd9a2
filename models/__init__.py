"""Pathways models, one module per aggregate. ALL_MODELS lists every table in create order."""
from .accounts import Membership, Team, User
from .audit import AuditEvent
from .base import BaseModel, db, init_db, utcnow, writing

ALL_MODELS = [Team, User, Membership, AuditEvent]

__all__ = ["ALL_MODELS", "AuditEvent", "BaseModel", "Membership", "Team", "User", "db",
           "init_db", "utcnow", "writing"]
