"""Women's service pathways and the housing placements board."""
from . import housing  # noqa: F401  (registers the board's views on bp)
from .routes import bp

__all__ = ["bp"]
