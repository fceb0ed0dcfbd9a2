"""The letters Pathways ships with, made in code with python-docx so they are always in
step with the field catalogue: court report on the day, bail information, letter to a GP,
referral to a service, MHTR assessment request, discharge roadmap and certificate of
attendance. Each has headings, the needs as a table, recommendations as a list, a
signature block and page numbers in the footer.

`build(purpose)` returns the DOCX bytes of a default template; `install_defaults(user)`
stores any that are missing as version 1 of a template (seed-demo and the CLI use it).
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

DARK = RGBColor(0x21, 0x2B, 0x32)
ACCENT = RGBColor(0x00, 0x5E, 0xB8)


def _document(title: str):
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12.5)):
        style = doc.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = ACCENT if name != "Title" else DARK
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
    doc.core_properties.title = title
    doc.core_properties.author = "Pathways"
    _header(doc)
    _footer(doc)
    return doc


def _header(doc) -> None:
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run("{{ team.name }}")
    run.font.size = Pt(9)
    run.font.color.rgb = DARK
    confidential = doc.sections[0].header.add_paragraph()
    confidential.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    label = confidential.add_run("OFFICIAL-SENSITIVE: personal health information")
    label.font.size = Pt(8)
    label.bold = True


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    def fld_char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    fld_char("begin")
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr._r.append(text)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")


def _footer(doc) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("{{ person.full_name }} · Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(9)


def _details(doc, rows: list[tuple[str, str]]) -> None:
    """A two-column table of labelled facts (name, date of birth…)."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(5.0), Cm(11.6)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
    doc.add_paragraph()


def _needs_table(doc) -> None:
    """The needs assessment: a header row, then one row per need (a docxtpl row loop)."""
    doc.add_heading("Needs identified", level=1)
    doc.add_paragraph("{%p if needs %}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Area of need", "Level", "What we found")):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for need in needs %}")
    for cell, text in zip(table.rows[2].cells,
                          ("{{ need.domain }}", "{{ need.level }}", "{{ need.note }}")):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for row in table.rows:
        widths = (Cm(4.2), Cm(2.6), Cm(9.8))
        for cell, width in zip(row.cells, widths):
            cell.width = width
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No needs have been recorded on this referral.")
    doc.add_paragraph("{%p endif %}")


def _bullets(doc, loop: str, item: str, empty: str) -> None:
    """A bulleted list from a docxtpl paragraph loop, with a line when it is empty."""
    name = loop.split(" in ", 1)[1].strip()
    doc.add_paragraph(f"{{%p if {name} %}}")
    doc.add_paragraph(f"{{%p for {loop} %}}")
    doc.add_paragraph(item, style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(empty)
    doc.add_paragraph("{%p endif %}")


def _text_section(doc, heading: str, value: str, empty: str | None = None) -> None:
    doc.add_heading(heading, level=1)
    if empty:
        doc.add_paragraph(f"{{%p if {value} %}}")
        doc.add_paragraph(f"{{{{ {value} }}}}")
        doc.add_paragraph("{%p else %}")
        doc.add_paragraph(empty)
        doc.add_paragraph("{%p endif %}")
    else:
        doc.add_paragraph(f"{{{{ {value} }}}}")


def _optional_text(doc, heading: str, value: str) -> None:
    """A heading and text shown only when the text is given."""
    doc.add_paragraph(f"{{%p if {value} %}}")
    doc.add_heading(heading, level=1)
    doc.add_paragraph(f"{{{{ {value} }}}}")
    doc.add_paragraph("{%p endif %}")


def _signature(doc) -> None:
    doc.add_heading("Signed", level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (("Signature", ""), ("Name", "{{ practitioner.name }}"),
                         ("Role", "{{ practitioner.role }}, {{ team.name }}"),
                         ("Contact", "{{ practitioner.email }}"), ("Date", "{{ today }}")):
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(5.0), Cm(11.6)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
    table.rows[0].height = Cm(1.4)


def _recipient(doc) -> None:
    doc.add_paragraph("{{ recipient }}")
    doc.add_paragraph("{{ today }}")


PERSON_ROWS = [
    ("Name", "{{ person.full_name }}{% if person.preferred_name %} (known as "
             "{{ person.preferred_name }}){% endif %}"),
    ("Date of birth", "{{ person.date_of_birth }}{% if person.age %} (age {{ person.age }})"
                      "{% endif %}"),
    ("NHS number", "{{ person.nhs_number }}"),
    ("Address", "{{ person.address }}"),
]


def court_report() -> Document:
    doc = _document("Report to the court")
    doc.add_paragraph("Report to the court", style="Title")
    doc.add_paragraph("Liaison and diversion: health and wellbeing assessment, prepared on the "
                      "day of the hearing.")
    _details(doc, PERSON_ROWS + [
        ("PNC id", "{{ person.pnc_id }}"),
        ("Court", "{{ hearing.court }}{% if hearing.courtroom %}, {{ hearing.courtroom }}"
                  "{% endif %}"),
        ("Hearing", "{{ hearing.date }} {{ hearing.time }} {{ hearing.kind }}"),
        ("Charge", "{{ referral.offence }}"),
        ("Our reference", "{{ referral.reference }}"),
    ])
    doc.add_paragraph("This report is provided with {{ person.first_name }}'s consent to "
                      "inform the court's decision. It is not a psychiatric report.")
    _text_section(doc, "Summary of assessment", "summary",
                  "No summary was written for this report.")
    _needs_table(doc)
    doc.add_heading("Recommendations", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}",
             "No recommendations are made.")
    _optional_text(doc, "Communication needs", "person.communication_needs")
    doc.add_paragraph("{%p if service_referrals %}")
    doc.add_heading("Support arranged", level=1)
    doc.add_paragraph("{%p for s in service_referrals %}")
    doc.add_paragraph("{{ s.service }} ({{ s.organisation }}): {{ s.status }}, "
                      "{{ s.referred_on }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    _optional_text(doc, "Other information", "other")
    _signature(doc)
    return doc


def bail_information() -> Document:
    doc = _document("Bail information")
    doc.add_paragraph("Bail information", style="Title")
    doc.add_paragraph("Verified information to help the court decide on bail. Given with "
                      "{{ person.first_name }}'s consent.")
    _details(doc, PERSON_ROWS + [
        ("Housing", "{{ person.housing_status }}"),
        ("Telephone", "{{ person.phone }}"),
        ("Hearing", "{{ hearing.court }}, {{ hearing.date }} {{ hearing.time }}"),
        ("Our reference", "{{ referral.reference }}"),
    ])
    _text_section(doc, "What we have verified", "summary",
                  "Nothing has been verified yet.")
    _needs_table(doc)
    doc.add_heading("Support available if bailed", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}",
             "No support has been arranged yet.")
    _optional_text(doc, "Other information", "other")
    _signature(doc)
    return doc


def gp_letter() -> Document:
    doc = _document("Letter to GP")
    _recipient(doc)
    doc.add_paragraph("Dear Doctor,")
    doc.add_paragraph("Re: {{ person.full_name }}, born {{ person.date_of_birth }}, "
                      "NHS number {{ person.nhs_number }}").runs[0].bold = True
    doc.add_paragraph("{{ person.first_name }} was seen by our liaison and diversion team on "
                      "{{ assessment.date or today }} and agreed that we write to you.")
    _text_section(doc, "What we found", "summary")
    _needs_table(doc)
    doc.add_heading("What we ask of you", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}", "No action is needed from you; "
             "this letter is for your records.")
    _optional_text(doc, "Other information", "other")
    doc.add_paragraph("Yours sincerely,")
    _signature(doc)
    return doc


def service_referral() -> Document:
    doc = _document("Referral to a service")
    _recipient(doc)
    doc.add_paragraph("Referral for {{ person.full_name }}", style="Title")
    _details(doc, PERSON_ROWS + [
        ("Telephone", "{{ person.phone }}"),
        ("Housing", "{{ person.housing_status }}"),
        ("Communication needs", "{{ person.communication_needs }}"),
        ("Consent to share", "{{ person.consent_to_share or 'Given' }}"),
    ])
    _text_section(doc, "Why we are referring", "summary")
    _needs_table(doc)
    doc.add_heading("What we are asking for", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}", "An assessment for your service.")
    _optional_text(doc, "Other information", "other")
    _signature(doc)
    return doc


def mhtr_request() -> Document:
    doc = _document("MHTR assessment request")
    _recipient(doc)
    doc.add_paragraph("Request for a Mental Health Treatment Requirement assessment",
                      style="Title")
    _details(doc, PERSON_ROWS + [
        ("Court", "{{ hearing.court }}"),
        ("Next hearing", "{{ hearing.date }} {{ hearing.time }}"),
        ("Charge", "{{ referral.offence }}"),
    ])
    _text_section(doc, "Reasons for the request", "summary")
    _needs_table(doc)
    doc.add_heading("Recommendations", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}", "No recommendations are made.")
    _optional_text(doc, "Other information", "other")
    _signature(doc)
    return doc


def discharge_roadmap() -> Document:
    doc = _document("Discharge roadmap")
    doc.add_paragraph("My discharge roadmap", style="Title")
    _details(doc, [
        ("Name", "{{ person.full_name }}"),
        ("Pathway", "{{ roadmap.pathway }}"),
        ("From", "{{ roadmap.started_on }} to {{ roadmap.ended_on }}"),
        ("Sessions", "{{ roadmap.sessions_attended }} of {{ roadmap.sessions_planned }} "
                     "attended"),
    ])
    doc.add_heading("My goals and what happens next", level=1)
    doc.add_paragraph("{%p if roadmap.goals %}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Goal", "What I have done", "Next step")):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for goal in roadmap.goals %}")
    for cell, text in zip(table.rows[2].cells,
                          ("{{ goal.goal }}", "{{ goal.progress }}", "{{ goal.next_step }}")):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No goals were recorded.")
    doc.add_paragraph("{%p endif %}")
    _needs_table(doc)
    doc.add_heading("Who I can contact", level=1)
    _bullets(doc, "c in roadmap.contacts", "{{ c.name }}: {{ c.phone }} ({{ c.when }})",
             "Your practitioner will give you contacts.")
    doc.add_heading("Recommendations", level=1)
    _bullets(doc, "item in recommendations", "{{ item }}", "None.")
    _optional_text(doc, "Other information", "other")
    _signature(doc)
    return doc


def certificate_of_attendance() -> Document:
    doc = _document("Certificate of attendance")
    for _ in range(3):
        doc.add_paragraph()
    title = doc.add_paragraph("Certificate of attendance", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, size, bold in (("This is to certify that", 12, False),
                             ("{{ certificate.attendee }}", 20, True),
                             ("attended", 12, False),
                             ("{{ certificate.title }}", 16, True),
                             ("on {{ certificate.date }}{% if certificate.duration %} "
                              "({{ certificate.duration }}){% endif %}", 12, False),
                             ("delivered by {{ certificate.delivered_by }}", 12, False)):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
    doc.add_paragraph()
    _signature(doc)
    return doc


BUILDERS = {
    "court_report": (court_report, "Report to the court on the day"),
    "bail_information": (bail_information, "Bail information"),
    "gp_letter": (gp_letter, "Letter to GP"),
    "service_referral": (service_referral, "Referral to a service"),
    "mhtr_request": (mhtr_request, "MHTR assessment request"),
    "discharge_roadmap": (discharge_roadmap, "Discharge roadmap"),
    "certificate_of_attendance": (certificate_of_attendance, "Certificate of attendance"),
}

_BUILT: dict[str, bytes] = {}


def build(purpose: str) -> bytes:
    """The default template for `purpose` as DOCX bytes (built once per process)."""
    if purpose not in _BUILT:
        maker, _name = BUILDERS[purpose]
        out = io.BytesIO()
        maker().save(out)
        _BUILT[purpose] = out.getvalue()
    return _BUILT[purpose]


def install_default(purpose: str, user=None):
    """Add the built-in template for `purpose` as version 1 and return that version.
    Call inside writing(): the template, its file and the audit row commit together."""
    from models.files import store
    from models.letters import DOCX_TYPE, LetterTemplate, TemplateVersion

    from ..audit import audit
    name = BUILDERS[purpose][1]
    template = LetterTemplate.create(name=name, purpose=purpose, created_by=None)
    stored = store(build(purpose), DOCX_TYPE, "docx")
    version = TemplateVersion.create(template=template, number=1, file=stored,
                                     uploaded_by=user, original_name=f"{name}.docx",
                                     note="Pathways standard template")
    audit("letters.template_installed", object_type="letter_template",
          object_id=template.id, detail=f"purpose={purpose}", actor=user)
    return version


def install_defaults(user=None) -> list[str]:
    """Add each built-in template that is missing (by name) as version 1; return the names
    added. Running it again adds nothing."""
    from models.base import writing
    from models.letters import LetterTemplate

    added = []
    with writing():
        for purpose, (_maker, name) in BUILDERS.items():
            if LetterTemplate.get_or_none(LetterTemplate.name == name) is not None:
                continue
            install_default(purpose, user)
            added.append(name)
    return added
