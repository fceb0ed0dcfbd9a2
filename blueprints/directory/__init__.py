"""The service directory (HSDS / Open Referral UK) and referrals to services."""
from .routes import bp

__all__ = ["bp"]
