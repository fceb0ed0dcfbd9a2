"""Today's court list for my teams: who is up, where and when, and whether the court
report is written yet."""
from __future__ import annotations

from models.follow_ups import hearings_today as hearings_on

from ..optional import attribute, link
from ..period import london_today

LIMIT = 60
COURT_REPORT = "court_report"  # the letters' purpose for the report to the court on the day


def _today(team_ids: set[int]) -> list[dict]:
    """Today's hearings on referrals the teams can see (case work's own list), at most
    one more than the panel shows."""
    return [{"id": h.id, "court": h.court, "time": h.time, "courtroom": h.courtroom,
             "referral_id": h.referral_id, "person_id": h.referral.person_id,
             "given_name": h.referral.person.given_name,
             "family_name": h.referral.person.family_name}
            for h in hearings_on(team_ids, limit=LIMIT + 1)]


def _with_court_report(referral_ids: list[int]) -> set[int] | None:
    """Which of the referrals already have a generated court report (one query), or None
    when court letters are not installed."""
    written = attribute("models.letters", "referrals_with_document")
    return None if written is None else written(referral_ids, COURT_REPORT)


def _court_report_template_id() -> int | None:
    template = attribute("models.letters", "LetterTemplate")
    chosen = template.for_purpose(COURT_REPORT) if template is not None else None
    return chosen.id if chosen else None


def hearings_today(user, team_ids: set[int]) -> dict:
    """Hearings today (London date) on referrals my teams hold or share, by time."""
    rows = _today(team_ids)
    reported = _with_court_report([r["referral_id"] for r in rows[:LIMIT]])
    template_id = _court_report_template_id() if reported is not None else None
    items = []
    for row in rows[:LIMIT]:
        items.append({
            **row,
            "name": f"{row['given_name']} {row['family_name']}",
            "has_report": None if reported is None else row["referral_id"] in reported,
            "person_url": link("cases.detail", person_id=row["person_id"]),
            "write_url": _write_url(row["referral_id"], template_id),
        })
    return {"items": items, "more": len(rows) > LIMIT, "today": london_today(),
            "letters": reported is not None}


def _write_url(referral_id: int, template_id: int | None) -> str | None:
    """Where to write this referral's court report (with the court report template chosen
    when there is one), when court letters are installed."""
    url = link("letters.new", referral_id=referral_id)
    return url if url is None or template_id is None else f"{url}?template={template_id}"
