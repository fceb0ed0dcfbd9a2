"""Court letters: DOCX templates checked against the field catalogue, previews, letters
written on a referral and kept on the case, and the court list in one go."""
from .routes import bp

__all__ = ["bp"]
