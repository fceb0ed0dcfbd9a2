"""My share links for external professionals: how much each has been used lately."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from models.audit import AuditEvent
from models.base import utcnow

from ..optional import attribute, link

LIMIT = 8
DAYS = 7
USES = ("library.share_opened", "library.share_downloaded")


def recent_use(user, team_ids: set[int]) -> dict | None:
    """My share links that are still usable or were used this week; None without the library."""
    share_link = attribute("models.library", "ShareLink")
    if share_link is None:
        return None
    now = utcnow()
    week = dict(AuditEvent.select(AuditEvent.object_id, fn.COUNT(AuditEvent.id))
                .where((AuditEvent.object_type == "share_link") & AuditEvent.action.in_(USES)
                       & (AuditEvent.at >= now - dt.timedelta(days=DAYS)))
                .group_by(AuditEvent.object_id).tuples())
    used_ids = [int(i) for i in week if str(i).isdigit()]
    links = list(share_link.select()
                 .where((share_link.created_by == user.id)
                        & ((share_link.revoked_at.is_null() & (share_link.expires_at > now))
                           | share_link.id.in_(used_ids or [0])))
                 .order_by(share_link.created_at.desc()).limit(LIMIT))
    items = [{"note": s.note or "No note", "purpose": s.purpose, "state": s.state(now),
              "uses": s.use_count, "max_uses": s.max_uses, "expires_at": s.expires_at,
              "this_week": week.get(str(s.id), 0)} for s in links]
    return {"items": items, "days": DAYS, "url": link("library.share_links")}
