"""Writing audit events from a request: who (the signed-in user) and from where are filled in."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from models.audit import AuditEvent


def audit(action: str, *, object_type: str = "", object_id="", person_id=None, team_id=None,
          detail: str = "", actor=None) -> AuditEvent:
    """Record `action` by the current user. Call it inside the same `writing()` block as
    the change it describes, so both are stored or neither is."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    return AuditEvent.record(action, actor=actor, object_type=object_type,
                             object_id=str(object_id or ""), person_id=person_id,
                             team_id=team_id, ip=ip, detail=detail)
