"""Directory services whose details have not been checked for a year or more."""
from __future__ import annotations

from peewee import fn

from ..optional import attribute, link
from ..period import london_today

LIMIT = 15


def services_to_verify(user, team_ids: set[int]) -> dict | None:
    """Services still offered but not verified in the last 12 months (oldest first);
    None without the directory."""
    service = attribute("models.directory", "Service")
    year_before = attribute("models.directory", "twelve_months_before")
    if service is None or year_before is None:
        return None
    stale = service.select().where(service.archived_at.is_null()
                                   & (service.verified_on.is_null()
                                      | (service.verified_on < year_before(london_today()))))
    total = stale.select(fn.COUNT(service.id)).scalar() or 0
    rows = list(stale.select(service.id, service.uuid, service.name, service.verified_on)
                .order_by(service.verified_on.asc(nulls="FIRST"), service.name).limit(LIMIT))
    return {"total": total,
            "items": [{"name": s.name, "verified_on": s.verified_on,
                       "url": link("directory.detail", service_id=s.uuid)} for s in rows]}
