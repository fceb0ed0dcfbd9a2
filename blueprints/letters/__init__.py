"""Court letters: DOCX templates checked against the field catalogue, previews, letters
written on a referral and kept on the case, and the court list in one go."""
from . import case_hooks
from .routes import bp

case_hooks.register()

__all__ = ["bp"]
