"""The service directory (HSDS / Open Referral UK) and referrals to services."""
from . import service_referrals  # noqa: F401 (registers its views on bp)
from .routes import bp

__all__ = ["bp"]
