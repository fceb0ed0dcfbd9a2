"""Subject access: everything Pathways holds on one person, as JSON and as a readable Word
document (python-docx). It covers every team's records on the person, safeguarding notes
included: a subject access request is answered by the organisation, and the export is
logged. Other parts add what they hold through hooks.SUBJECT_ACCESS_SECTIONS."""
from __future__ import annotations

import datetime as dt
import io
import json

from docx import Document
from docx.shared import Pt

from models.accounts import Team, User
from models.audit import AuditEvent
from models.follow_ups import FollowUp
from models.needs import NEED_DOMAINS, NEED_LEVELS, NeedRating, NeedsAssessment
from models.notes import NOTE_TYPES, CaseNote, CaseNoteAmendment
from models.people import (COMMUNICATION_NEEDS, CONSENT_SCOPES, ETHNICITIES, GENDERS,
                           HEARING_PURPOSES, HOUSING_STATUSES, OUTCOMES, REFERRAL_SOURCES,
                           SCREENING_ROUTES, SHARE_KINDS, TRIAGE_RESULTS, Hearing, Referral,
                           ReferralShare)
from models.timeline import TimelineEvent

from ..form_fields import NOT_FOR_DOCUMENTS
from ..formats import format_datetime
from . import hooks


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    return value.isoformat()


def gather(person) -> dict:
    """Every record about `person`, as plain JSON values with labels spelt out."""
    users = {u.id: u.name for u in User.select(User.id, User.name)}
    teams = {t.id: t.name for t in Team.select(Team.id, Team.name)}
    referrals = list(Referral.select().where(Referral.person == person.id)
                     .order_by(Referral.received_at))
    ref_ids = [r.id for r in referrals] or [0]
    hearings, shares = {}, {}
    for h in Hearing.select().where(Hearing.referral.in_(ref_ids)).order_by(Hearing.date):
        hearings.setdefault(h.referral_id, []).append({
            "court": h.court, "date": _when(h.date), "time": h.time.strftime("%H:%M") if h.time else None,
            "courtroom": h.courtroom, "purpose": HEARING_PURPOSES.get(h.purpose, h.purpose),
            "vacated": _when(h.vacated_at) if h.vacated_at else None,
            "vacated_reason": h.vacated_reason or None})
    for s in ReferralShare.select().where(ReferralShare.referral.in_(ref_ids)):
        shares.setdefault(s.referral_id, []).append({
            "kind": SHARE_KINDS.get(s.kind, s.kind), "from_team": teams.get(s.from_team_id),
            "to_team": teams.get(s.team_id), "reason": s.reason,
            "by": users.get(s.shared_by_id), "at": _when(s.shared_at)})
    data = {
        "exported_at": format_datetime(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)),
        "person": {
            "record_number": person.id, "given_name": person.given_name,
            "family_name": person.family_name, "preferred_name": person.preferred_name,
            "date_of_birth": _when(person.date_of_birth),
            "gender": GENDERS.get(person.gender, person.gender),
            "ethnicity": ETHNICITIES.get(person.ethnicity, person.ethnicity),
            "pronouns": person.pronouns, "nhs_number": person.nhs_number_display or None,
            "pnc_id": person.pnc_id, "phone": person.phone, "address": person.address,
            "housing": HOUSING_STATUSES.get(person.housing_status, person.housing_status),
            "gp_practice": person.gp_practice, "first_language": person.first_language,
            "interpreter_needed": bool(person.interpreter_needed),
            "communication_needs": [COMMUNICATION_NEEDS.get(k, k)
                                    for k in person.communication_need_keys],
            "consent_to_share": CONSENT_SCOPES.get(person.consent_scope or "", "Not yet asked"),
            "consent_date": _when(person.consent_date),
            "consent_recorded_by": users.get(person.consent_recorded_by_id),
            "registered_at": _when(person.created_at),
            "registered_by": users.get(person.created_by_id),
        },
        "referrals": [{
            "team": teams.get(r.team_id), "received_at": _when(r.received_at),
            "source": REFERRAL_SOURCES.get(r.source, r.source),
            "screening_route": SCREENING_ROUTES.get(r.screening_route, r.screening_route),
            "reason": r.reason, "assigned_to": users.get(r.assigned_to_id),
            "status": r.status, "outcome": OUTCOMES.get(r.outcome or "", None),
            "closure_reason": r.closure_reason, "closed_at": _when(r.closed_at),
            "triage_date": _when(r.triage_date),
            "triage_result": TRIAGE_RESULTS.get(r.triage_result or "", None),
            "hearings": hearings.get(r.id, []), "shared_or_transferred": shares.get(r.id, []),
        } for r in referrals],
    }
    assessments = list(NeedsAssessment.select().where(NeedsAssessment.person == person.id)
                       .order_by(NeedsAssessment.assessed_at))
    ratings: dict[int, list] = {}
    for rating in NeedRating.select().where(NeedRating.assessment.in_(
            [a.id for a in assessments] or [0])):
        ratings.setdefault(rating.assessment_id, []).append(rating)
    data["needs_assessments"] = [{
        "assessed_at": _when(a.assessed_at), "assessed_by": users.get(a.assessed_by_id),
        "team": teams.get(a.team_id),
        "needs": [{"need": NEED_DOMAINS.get(r.domain, r.domain),
                   "level": NEED_LEVELS.get(r.level, r.level), "note": r.note}
                  for r in sorted(ratings.get(a.id, []),
                                  key=lambda r: list(NEED_DOMAINS).index(r.domain)
                                  if r.domain in NEED_DOMAINS else 99)],
    } for a in assessments]
    notes = list(CaseNote.select().where(CaseNote.person == person.id)
                 .order_by(CaseNote.created_at, CaseNote.id))
    amendments: dict[int, list] = {}
    for a in (CaseNoteAmendment.select().where(CaseNoteAmendment.note.in_(
            [n.id for n in notes] or [0])).order_by(CaseNoteAmendment.amended_at)):
        amendments.setdefault(a.note_id, []).append({
            "previous_text": a.previous_body, "reason": a.reason,
            "amended_by": users.get(a.amended_by_id), "amended_at": _when(a.amended_at)})
    data["case_notes"] = [{
        "written_at": _when(n.created_at), "author": users.get(n.author_id),
        "team": teams.get(n.team_id), "type": NOTE_TYPES.get(n.note_type, n.note_type),
        "text": n.body, "amendments": amendments.get(n.id, [])} for n in notes]
    data["follow_ups"] = [{
        "what": f.what, "due": _when(f.due_date), "assigned_to": users.get(f.assigned_to_id),
        "done_at": _when(f.done_at)} for f in FollowUp.select()
        .where(FollowUp.person == person.id).order_by(FollowUp.due_date)]
    data["timeline_events"] = [{
        "at": _when(e.at), "team": teams.get(e.team_id), "what": e.summary}
        for e in TimelineEvent.select().where(TimelineEvent.person == person.id)
        .order_by(TimelineEvent.at)]
    data["access_log"] = [{
        "at": _when(e.at), "by": users.get(e.actor_id, "System"), "action": e.action}
        for e in AuditEvent.select().where(AuditEvent.person_id == person.id)
        .order_by(AuditEvent.id)]
    for section in hooks.SUBJECT_ACCESS_SECTIONS:
        result = section(person)
        if result:
            title, rows = result
            data.setdefault("other_records", {})[title] = rows
    return data


def to_json(data: dict) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _value(value) -> str:
    """A field as the document shows it. A character no document may hold (text stored
    before the forms refused it) shows as U+FFFD rather than failing the whole export."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return NOT_FOR_DOCUMENTS.sub("\ufffd", str(value))


def _key_values(doc, record: dict) -> None:
    """A two-column table of a record's plain fields (lists of records follow it)."""
    plain = [(k, v) for k, v in record.items()
             if not (isinstance(v, list) and v and isinstance(v[0], dict))]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in plain:
        cells = table.add_row().cells
        cells[0].text = _label(key)
        cells[1].text = _value(value)


def _records(doc, title: str, rows: list, level: int) -> None:
    doc.add_heading(title, level=level)
    if not rows:
        doc.add_paragraph("None.")
        return
    for n, row in enumerate(rows, 1):
        if isinstance(row, dict):
            doc.add_heading(f"{title.rstrip('s') if title.endswith('s') else title} {n}",
                            level=min(level + 1, 9))
            _key_values(doc, row)
            for key, value in row.items():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    _records(doc, _label(key), value, min(level + 2, 9))
        else:
            doc.add_paragraph(_value(row), style="List Bullet")


def to_docx(data: dict) -> bytes:
    """A readable Word document of `data` (headings, tables, every note in full)."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    person = data["person"]
    doc.add_heading(f"Subject access export: {person['given_name']} {person['family_name']}", 0)
    doc.add_paragraph(f"Everything Pathways holds on this person, exported {data['exported_at']}.")
    doc.add_heading("Personal details", level=1)
    _key_values(doc, person)
    for key in ("referrals", "needs_assessments", "case_notes", "follow_ups",
                "timeline_events", "access_log"):
        _records(doc, _label(key), data.get(key, []), 1)
    for title, rows in data.get("other_records", {}).items():
        _records(doc, title, rows, 1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
