"""The discharge roadmap as a Word document she can take away.

Through the letter templates when they are installed: the managers' active "discharge
roadmap" template, else the standard one (letters' sandboxed engine fills it), and the
document is kept on her referral like any letter (immutable, with its SHA-256, on the
timeline, downloads audited). Without the letters part, a plain document is built with
python-docx (values inserted as text, never interpreted) and only downloaded.
"""
from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from models.pathways import ROADMAP_CATEGORIES, Goal, RoadmapLink

from ..formats import format_date


def roadmap_context(enrolment) -> dict:
    """What the roadmap says, as plain values (the printable page uses the same)."""
    person = enrolment.person
    links = list(enrolment.roadmap.order_by(RoadmapLink.id))
    grouped = [(label, [link for link in links if link.category == key])
               for key, label in ROADMAP_CATEGORIES.items()]
    goals = list(enrolment.goals.order_by(Goal.driver, Goal.id))
    return {
        "name": person.preferred_name or person.given_name,
        "full_name": person.full_name,
        "programme": enrolment.programme.name,
        "discharged_on": format_date(enrolment.discharged_at) if enrolment.discharged_at else "",
        "summary": enrolment.discharge_summary or "",
        "groups": [(label, items) for label, items in grouped if items],
        "goals": goals,
    }


def letter_context(enrolment, author) -> dict:
    """The letters catalogue's context for her roadmap (roadmap.*, person.*, team.*…)."""
    from ..letters import catalogue
    ctx = roadmap_context(enrolment)
    sessions = list(enrolment.sessions)
    context = catalogue.context_for(enrolment.referral, {"other": ctx["summary"]},
                                    author=author)
    context["roadmap"] = {
        "pathway": ctx["programme"],
        "started_on": format_date(enrolment.enrolled_at),
        "ended_on": ctx["discharged_on"],
        "sessions_attended": str(sum(1 for s in sessions if s.status == "attended")),
        "sessions_planned": str(enrolment.programme.session_limit
                                or sum(1 for s in sessions if s.status != "cancelled")),
        "goals": [{"goal": g.text, "progress": g.status_label,
                   "next_step": f"Keep working on {g.driver_label.lower()}"}
                  for g in ctx["goals"]],
        "contacts": [{"name": link.name, "phone": link.details, "when": label}
                     for label, links in ctx["groups"] for link in links],
    }
    return context


def letters_installed() -> bool:
    try:
        from ..letters import generate  # noqa: F401
    except ImportError:  # the letters part is not installed
        return False
    return True


def keep_roadmap(enrolment, author):
    """Make her roadmap from the letter template and keep it on her referral; returns the
    GeneratedDocument (the letters part must be installed)."""
    from models.base import writing

    from ..audit import audit
    from ..letters.generate import keep_document, render_version, version_for_purpose
    version = version_for_purpose("discharge_roadmap", author)
    # Filled before the write transaction, so other writers do not wait on the render.
    data = render_version(version, letter_context(enrolment, author))
    with writing():
        document = keep_document(enrolment.referral, version, author, data)
        audit("pathways.roadmap_kept", object_type="enrolment", object_id=enrolment.id,
              person_id=enrolment.person_id, team_id=enrolment.team_id,
              detail=f"generated_document={document.id}", actor=author)
    return document


def kept_roadmaps(enrolment) -> list:
    """The roadmap documents already kept on her referral, newest first."""
    if not letters_installed():
        return []
    from models.accounts import User
    from models.letters import GeneratedDocument, LetterTemplate, TemplateVersion
    return list(GeneratedDocument.select(GeneratedDocument, User)
                .join(User, on=(GeneratedDocument.author == User.id))
                .switch(GeneratedDocument).join(TemplateVersion).join(LetterTemplate)
                .where((GeneratedDocument.referral == enrolment.referral_id)
                       & (LetterTemplate.purpose == "discharge_roadmap"))
                .order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc()))


def render_roadmap_docx(enrolment, author=None) -> bytes:
    """The roadmap as DOCX bytes (letter template when letters are installed)."""
    try:
        from ..letters.generate import render_letter
    except ImportError:  # the letters part is not installed
        return render_plain_docx(enrolment)
    return render_letter("discharge_roadmap", letter_context(enrolment, author))


def render_plain_docx(enrolment) -> bytes:
    """The roadmap built directly with python-docx."""
    ctx = roadmap_context(enrolment)
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading(f"{ctx['name']}'s roadmap", level=0)
    doc.add_paragraph(f"{ctx['programme']}"
                      + (f" — finished on {ctx['discharged_on']}" if ctx["discharged_on"] else ""))
    if ctx["summary"]:
        doc.add_heading("What you are taking with you", level=1)
        for line in ctx["summary"].splitlines():
            doc.add_paragraph(line)
    if ctx["goals"]:
        doc.add_heading("Your goals", level=1)
        for goal in ctx["goals"]:
            doc.add_paragraph(f"{goal.text} ({goal.driver_label}: {goal.status_label.lower()})",
                              style="List Bullet")
    doc.add_heading("Where to go next", level=1)
    if not ctx["groups"]:
        doc.add_paragraph("No links were recorded.")
    for label, links in ctx["groups"]:
        doc.add_heading(label, level=2)
        for link in links:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(link.name).bold = True
            if link.details:
                paragraph.add_run(f" — {link.details}")
    doc.add_paragraph("You can contact the women's service again at any time.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
