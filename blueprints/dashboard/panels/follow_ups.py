"""Follow-ups overdue and due this week (case work's follow-ups assigned to me)."""
from __future__ import annotations

from ..optional import attribute, link

LIMIT = 20


def follow_ups_due(user, team_ids: set[int]) -> dict | None:
    """My open follow-ups that are overdue or due by Sunday; None without case work."""
    source = attribute("models.follow_ups", "follow_ups_for")
    if source is None:
        return None
    found = source(user, limit=LIMIT, team_ids=team_ids)

    def rows(follow_ups):
        return [{"what": f.what, "due": f.due_date, "name": f.person.full_name,
                 "url": link("cases.referral", referral_id=f.referral_id) or
                        link("cases.detail", person_id=f.person_id)}
                for f in follow_ups[:LIMIT]]

    return {"overdue": rows(found["overdue"]), "this_week": rows(found["this_week"]),
            "overdue_total": found["overdue_total"], "this_week_total": found["this_week_total"]}
