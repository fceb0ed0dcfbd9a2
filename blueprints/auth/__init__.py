"""Signing in and out, and changing one's own password."""
from .routes import bp

__all__ = ["bp"]
