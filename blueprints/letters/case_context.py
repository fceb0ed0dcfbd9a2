"""What case work records, for letters: the latest needs assessment (as the needs table)
and the latest assessment note (as the assessment summary the letter form starts from).

Registered as a context source (see catalogue.register_context_source). Case work's models
arrive in their own part; until they are installed this source adds nothing.
"""
from __future__ import annotations

from . import catalogue


def needs_and_assessment(referral) -> dict:
    """needs (one row per domain with a need) and assessment.* for `referral`."""
    try:
        from models.needs import LEVEL_ORDER, NeedsAssessment
    except ImportError:  # case work's needs assessments are not installed
        return {}
    values: dict = {}
    latest = (NeedsAssessment.select().where(NeedsAssessment.referral == referral)
              .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc()).first())
    if latest is not None:
        ratings = [r for r in latest.ratings if r.level != "none" or (r.note or "").strip()]
        ratings.sort(key=lambda r: -LEVEL_ORDER.get(r.level, 0))
        values["needs"] = [{"domain": r.domain_label, "level": r.level_label,
                            "note": (r.note or "").strip()} for r in ratings]
        values["assessment"] = {"date": catalogue._date(latest.assessed_at),
                                "by": latest.assessed_by.name}
    note = _latest_assessment_note(referral)
    if note is not None:
        values.setdefault("assessment", {})["summary"] = note.body.strip()
        values["assessment"].setdefault("date", catalogue._date(note.created_at))
    return values


def _latest_assessment_note(referral):
    try:
        from models.notes import CaseNote
    except ImportError:
        return None
    return (CaseNote.select().where((CaseNote.referral == referral)
                                    & (CaseNote.note_type == "assessment"))
            .order_by(CaseNote.created_at.desc(), CaseNote.id.desc()).first())


catalogue.register_context_source(needs_and_assessment)
