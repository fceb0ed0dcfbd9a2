"""Administration: users, teams, roles and the audit log."""
from .routes import bp

__all__ = ["bp"]
