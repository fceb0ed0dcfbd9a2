"""Services to link to on a discharge roadmap, from the service directory when it is
installed, with women-only services first when the pathway is a women's pathway."""
from __future__ import annotations


def _service_model():
    try:
        from models.directory import Service
    except ImportError:  # the directory part is not installed
        return None
    return Service


def directory_installed() -> bool:
    return _service_model() is not None


def service_choices(women_first: bool, limit: int = 300) -> list[tuple[str, str]]:
    """(id, label) for the roadmap's service picker; women-only services first (and
    labelled) when the pathway is a women's pathway."""
    service = _service_model()
    if service is None:
        return []
    query = service.offered()
    order = [service.women_only.desc(), service.name] if women_first else [service.name]
    rows = query.order_by(*order).limit(limit)
    return [(str(s.id), s.name + (" (women only)" if s.women_only else "")) for s in rows]


def service_name(service_id: int) -> str | None:
    service = _service_model()
    if service is None:
        return None
    row = service.offered().where(service.id == service_id).first()
    return row.name if row else None
