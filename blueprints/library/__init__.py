"""Guide and training library: versioned guides, quick-reference sheets, training
sessions with attendance and feedback, and share links for people without an account."""
from . import sharing, training  # noqa: F401  (their views register on bp)
from .routes import bp

__all__ = ["bp"]
