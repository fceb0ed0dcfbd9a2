"""Today's court list for my teams: who is up, where and when, and whether the court
report is written yet."""
from __future__ import annotations

from models.people import Hearing, Person, Referral

from ..optional import attribute, installed, link
from ..period import london_today

LIMIT = 60


def _report_exists_expression():
    """SQL EXISTS(a generated court document on the referral), or None without letters."""
    document = attribute("models.letters", "GeneratedDocument")
    if document is None:
        return None
    return (document.select(document.id).where(document.referral == Referral.id)).exists()


def hearings_today(user, team_ids: set[int]) -> dict:
    """Hearings today (London date) on referrals my teams hold or share, by time."""
    columns = [Hearing.id, Hearing.court, Hearing.time, Hearing.courtroom, Hearing.purpose,
               Referral.id.alias("referral_id"), Person.id.alias("person_id"),
               Person.given_name, Person.family_name]
    has_report = _report_exists_expression()
    if has_report is not None:
        columns.append(has_report.alias("has_report"))
    rows = list(Hearing.select(*columns)
                .join(Referral, on=(Hearing.referral == Referral.id))
                .join(Person, on=(Referral.person == Person.id))
                .where((Hearing.date == london_today())
                       & Referral.id.in_(Referral.visible_to(team_ids).select(Referral.id)))
                .order_by(Hearing.time.asc(nulls="LAST"), Hearing.court)
                .limit(LIMIT + 1).dicts())
    items = []
    for row in rows[:LIMIT]:
        items.append({
            **row,
            "name": f"{row['given_name']} {row['family_name']}",
            "has_report": bool(row["has_report"]) if has_report is not None else None,
            "person_url": link("cases.detail", person_id=row["person_id"]),
            "write_url": _write_url(row["referral_id"]),
        })
    return {"items": items, "more": len(rows) > LIMIT, "today": london_today(),
            "letters": has_report is not None}


def _write_url(referral_id: int) -> str | None:
    """Where to write this referral's court report, when court letters are installed."""
    for endpoint in ("letters.new", "letters.write", "letters.generate"):
        if installed(endpoint):
            return link(endpoint, referral_id=referral_id)
    return None
