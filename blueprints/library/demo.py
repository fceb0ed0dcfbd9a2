"""Demo library: two "common sense approach" guides (placeholder documents generated here,
not copies of the real guides), a quick-reference sheet and three training sessions with
their registers. Idempotent: anything already there (by title) is left alone."""
from __future__ import annotations

import datetime as dt
import io

from models.base import utcnow, writing
from models.files import store
from models.library import (Attendee, Feedback, Guide, GuideVersion, Handout, QuickSheet,
                            TrainingSession, join_keys)

from ..uploads import check_upload, pdf_thumbnail

PLACEHOLDER = ("This is a placeholder document generated for the Pathways demo. It stands in "
               "for the real guide, which a trainer uploads.")
SECTIONS = [
    ("Who this guide is for", "Police officers, court staff and probation practitioners who "
     "meet people with mental health problems in the course of their work."),
    ("Why it matters", "Many people in contact with the justice system have unmet mental "
     "health needs, often alongside substance misuse, homelessness or a learning disability. "
     "Noticing early and referring on makes a difference."),
    ("What you might notice", "Changes in mood or behaviour, confusion, distress, difficulty "
     "understanding what is happening, or saying things that do not make sense."),
    ("What you can do", "Stay calm, speak plainly, allow time, check understanding, and ask "
     "the liaison and diversion team for an assessment."),
    ("Who to contact", "Your local liaison and diversion service, the duty mental health "
     "practitioner, or NHS 111 in a crisis."),
]

GUIDES = [
    {"title": "A common sense approach to working with defendants and offenders with mental "
              "health problems",
     "summary": "Practical guidance for police, courts and probation on recognising mental "
                "health problems and responding well.",
     "topics": ["mental_health", "dual_diagnosis"], "audiences": ["police", "courts", "probation"],
     "kind": "pdf"},
    {"title": "A common sense approach to working with women in the criminal justice system",
     "summary": "Trauma-informed practice with women: what to notice, what to say and where to "
                "refer.",
     "topics": ["women", "trauma"], "audiences": ["courts", "probation", "voluntary"],
     "kind": "docx"},
]

SHEET_TITLE = "Signs and symptoms of common mental health problems"
SHEET_BODY = """## Depression
- low mood most of the day, loss of interest
- poor sleep, tiredness, poor concentration
- **ask directly** about thoughts of suicide

## Anxiety
- restlessness, racing heart, breathlessness
- fear of losing control; avoiding people or places

## Psychosis
- hearing or seeing things others do not
- unusual beliefs held firmly (for example being followed)
- muddled speech; withdrawal

## What to do
1. Stay calm; use short, plain sentences.
2. Give time to answer; check what has been understood.
3. Ask the liaison and diversion team to assess.
4. Record what you saw and heard, not a diagnosis.

## Who to call
| Need | Contact |
|---|---|
| Assessment at court or in custody | Liaison and diversion team |
| Risk to life | 999 |
| Urgent advice | NHS 111, option 2 |
"""

SESSIONS = [
    ("Mental health awareness for custody staff", 45, "Islington police custody suite",
     "Islington Police custody team", ["mental_health"]),
    ("Dual diagnosis: working with co-occurring needs", 20, "Hackney probation office",
     "Hackney Probation Delivery Unit", ["dual_diagnosis", "substance_misuse"]),
    ("Trauma-informed practice with women in court", 5, "Highbury Corner Magistrates' Court",
     "Highbury Corner court staff", ["women", "trauma"]),
]


def guide_pdf(title: str) -> bytes:
    """A placeholder guide as a PDF (fpdf2)."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Pathways demo")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 11)
    pdf.multi_cell(0, 6, PLACEHOLDER, new_x="LMARGIN", new_y="NEXT")
    for heading, text in SECTIONS:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def guide_docx(title: str) -> bytes:
    """A placeholder guide as a Word document (python-docx)."""
    from docx import Document
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "Pathways demo"
    document.add_heading(title, level=0)
    document.add_paragraph(PLACEHOLDER).runs[0].italic = True
    for heading, text in SECTIONS:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_demo(demo) -> None:
    trainer = demo.users["trainer"]
    team = demo.teams["training"]
    versions = []
    for spec in GUIDES:
        guide = Guide.get_or_none(Guide.title == spec["title"])
        if guide is None:
            data = guide_pdf(spec["title"]) if spec["kind"] == "pdf" else guide_docx(spec["title"])
            info = check_upload(data, max_bytes=20 * 1024 * 1024)  # as an upload would be
            png = pdf_thumbnail(data) if info.kind == "pdf" else None
            with writing():
                guide = Guide.create(title=spec["title"], summary=spec["summary"],
                                     topics=join_keys(spec["topics"]),
                                     audiences=join_keys(spec["audiences"]), created_by=trainer)
                GuideVersion.create(
                    guide=guide, label="2026 edition", changes="First edition in Pathways.",
                    file=store(data, info.content_type, info.kind),
                    thumbnail=store(png, "image/png", "png") if png else None,
                    kind=info.kind, pages=getattr(info, "pages", None),
                    uploaded_by=trainer, download_count=demo.fake.random_int(3, 40))
        versions.append(guide.current_version())

    if QuickSheet.get_or_none(QuickSheet.title == SHEET_TITLE) is None:
        with writing():
            QuickSheet.create(title=SHEET_TITLE, summary="What you may notice, what to do and "
                              "who to call.", body=SHEET_BODY,
                              topics=join_keys(["mental_health", "suicide_self_harm"]),
                              audiences=join_keys(["police", "courts", "probation"]),
                              created_by=trainer, updated_by=trainer)

    today = dt.date.today()
    for number, (title, days_ago, venue, organisation, topics) in enumerate(SESSIONS):
        if TrainingSession.get_or_none(TrainingSession.title == title) is not None:
            continue
        with writing():
            session = TrainingSession.create(
                team=team, title=title, date=today - dt.timedelta(days=days_ago), venue=venue,
                trainers=trainer.name, organisation=organisation, topics=join_keys(topics),
                created_by=trainer, created_at=utcnow())
            for version in versions[: number % 2 + 1]:
                if version is not None:
                    Handout.create(session=session, guide_version=version)
            for _ in range(6 + number * 2):
                name = demo.fake.name()
                Attendee.create(session=session, name=name, organisation=organisation,
                                role=demo.fake.random_element(
                                    ["Custody sergeant", "Probation officer", "Court usher",
                                     "Legal adviser", "Detention officer", "Case administrator"]),
                                email=f"{name.split()[0].lower()}.{number}@partner.example",
                                attended=demo.fake.random_int(0, 9) > 0)
            for _ in range(3):
                Feedback.create(session=session, usefulness=demo.fake.random_int(3, 5),
                                what_to_change=demo.fake.random_element(
                                    ["More case studies from court.", "Longer break.",
                                     "", "A handout on local services."]))
