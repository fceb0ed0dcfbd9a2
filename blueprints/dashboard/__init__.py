"""Dashboard and reports: what each user sees first, and figures for commissioners."""
from .routes import bp

__all__ = ["bp"]
