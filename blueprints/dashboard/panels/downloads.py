"""Guides downloaded in the last 30 days (from the audit trail), with all-time counts."""
from __future__ import annotations

import datetime as dt

from peewee import fn

from models.audit import AuditEvent
from models.base import utcnow

from ..optional import attribute, link

LIMIT = 8
DAYS = 30


def recent(user, team_ids: set[int]) -> dict | None:
    """The most downloaded guides of the last 30 days; None without the library."""
    guide = attribute("models.library", "Guide")
    version = attribute("models.library", "GuideVersion")
    if guide is None or version is None:
        return None
    since = utcnow() - dt.timedelta(days=DAYS)
    downloads = fn.COUNT(AuditEvent.id)
    recent_counts = list(AuditEvent.select(AuditEvent.object_id, downloads)
                         .where((AuditEvent.action == "library.guide_downloaded")
                                & (AuditEvent.at >= since))
                         .group_by(AuditEvent.object_id)
                         .order_by(downloads.desc(), AuditEvent.object_id).limit(LIMIT).tuples())
    ids = [int(i) for i, _ in recent_counts if str(i).isdigit()]
    titles = dict(guide.select(guide.id, guide.title).where(guide.id.in_(ids or [0])).tuples())
    totals = dict(version.select(version.guide, fn.SUM(version.download_count))
                  .where(version.guide.in_(ids or [0])).group_by(version.guide).tuples())
    items = [{"title": titles[int(i)], "recent": n, "total": int(totals.get(int(i)) or 0),
              "url": link("library.guide", guide_id=int(i))}
             for i, n in recent_counts if str(i).isdigit() and int(i) in titles]
    return {"items": items, "days": DAYS}
