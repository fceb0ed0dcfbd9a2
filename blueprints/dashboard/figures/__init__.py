"""The monitoring report's figures, in the order the page and the DOCX show them.

Each entry is a provider: scope -> Figure, or None when the part that holds its data is
not installed (the figure is then left out, so the report works whatever parts exist).
"""
from __future__ import annotations

from typing import Callable

from .base import Figure, Scope
from . import (assessment, housing, needs, onward, outcomes, pathway_figures, people,
               referrals)

Provider = Callable[[Scope], "Figure | None"]

SECTIONS: list[tuple[str, list[Provider]]] = [
    ("Referrals", [referrals.by_source, referrals.trend, assessment.time_to_assessment]),
    ("People", [people.seen, people.gender, people.ethnicity, needs.prevalence]),
    ("Outcomes", [outcomes.outcomes, onward.by_category]),
    ("Pathways and housing", [pathway_figures.completions, housing.occupancy]),
]


def build_report(scope: Scope) -> list[tuple[str, list[Figure]]]:
    """Every available figure for `scope`, grouped in sections (empty sections dropped)."""
    report = []
    for title, providers in SECTIONS:
        figures = [f for f in (provider(scope) for provider in providers) if f is not None]
        if figures:
            report.append((title, figures))
    return report


def find_figure(key: str, scope: Scope) -> Figure | None:
    """The figure called `key` (for its CSV), or None."""
    for _, providers in SECTIONS:
        for provider in providers:
            figure = provider(scope)
            if figure is not None and figure.key == key:
                return figure
    return None
