"""Case work: people, referrals, needs, case notes, follow-ups and the audit of it all."""
from .routes import bp

__all__ = ["bp"]
