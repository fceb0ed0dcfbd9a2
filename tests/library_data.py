"""Builders for library tests: guides with versions, sheets, sessions and share links."""
from __future__ import annotations

import datetime as dt
import secrets

from models.base import utcnow
from models.files import store
from models.library import (Attendee, Guide, GuideVersion, Handout, QuickSheet, ShareLink,
                            TrainingSession, join_keys, token_hash)
from tests.fixtures_uploads import pdf_bytes


def make_guide(user, title="Common sense approach", summary="How to work with people with "
               "mental health problems in the justice system", topics=("mental_health",),
               audiences=("police", "courts"), versions=("v1",), published=True,
               data: bytes | None = None) -> Guide:
    guide = Guide.create(title=title, summary=summary, topics=join_keys(topics),
                         audiences=join_keys(audiences), created_by=user)
    for number, label in enumerate(versions):
        content = data or pdf_bytes([f"{title} {label}"], title=title)
        stored = store(content, "application/pdf", "pdf")
        GuideVersion.create(guide=guide, label=label, changes=f"Changes in {label}", file=stored,
                            kind="pdf", pages=1, published=published, uploaded_by=user,
                            uploaded_at=utcnow() + dt.timedelta(seconds=number))
    return guide


def make_sheet(user, title="Signs of psychosis", body="## Signs\n\n- hearing voices\n",
               topics=("mental_health",), audiences=("police",)) -> QuickSheet:
    return QuickSheet.create(title=title, summary="What to look for", body=body,
                             topics=join_keys(topics), audiences=join_keys(audiences),
                             created_by=user, updated_by=user)


def make_session(user, team, title="Mental health awareness for custody staff",
                 attendees=(("Alex Green", True), ("Sam Patel", False)), handouts=()) -> TrainingSession:
    session = TrainingSession.create(team=team, title=title, date=dt.date(2026, 3, 14),
                                     venue="Islington custody suite", trainers="Jo Trainer",
                                     organisation="Islington Police", topics="|mental_health|",
                                     created_by=user)
    for name, attended in attendees:
        Attendee.create(session=session, name=name, organisation="Islington Police",
                        role="Custody sergeant", email="", attended=attended)
    for version in handouts:
        Handout.create(session=session, guide_version=version)
    return session


def make_link(user, *, version=None, session=None, purpose="guide", days=7, max_uses=None,
              revoked=False) -> tuple[ShareLink, str]:
    token = secrets.token_urlsafe(32)
    link = ShareLink.create(token_hash=token_hash(token), purpose=purpose, guide_version=version,
                            session=session, expires_at=utcnow() + dt.timedelta(days=days),
                            max_uses=max_uses, created_by=user,
                            revoked_at=utcnow() if revoked else None)
    return link, token
