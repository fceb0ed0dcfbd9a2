"""Records retention: the review list of closed referrals past the retention period, and
approved destruction."""
from .routes import bp

__all__ = ["bp"]
