"""The quarterly monitoring report as a Word document: every figure's table, already
suppressed, with what it counts. Tables only: charts are for the screen.

When court letters are installed the report is a docxtpl template (built here with
python-docx, once) filled through the letters engine, so it goes through the same
sandboxed renderer as every letter. Without letters it is written with python-docx.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .figures.base import SUPPRESSED_TEXT, Figure

TEMPLATE_KEY = ("dashboard", "monitoring-report", 1)  # bump when the template changes
INTRO = (f"Counts of 1 to 4 are shown as “{SUPPRESSED_TEXT}” so that no one can be "
         "identified; “withheld” hides a figure that would let such a number be worked out. "
         "Days are London calendar days: a period runs from the start of its first day to "
         "the end of its last.")


def _context(report, period_label, previous_label, team_names, produced) -> dict:
    """Plain text only: the template never sees a count that was suppressed."""
    return {
        "period": period_label, "previous": previous_label, "teams": ", ".join(team_names),
        "produced": produced,
        "sections": [{"title": section, "figures": [{
            "title": f.title, "description": f.description, "heading": f.label_heading,
            "columns": [s.name for s in f.series],
            "rows": [{"label": label, "cells": [c.text for c in cells]} for label, cells in f.rows],
            "notes": list(f.notes) or ([] if f.rows else ["Nothing to count in this period."]),
        } for f in figures]} for section, figures in report],
    }


def _template_bytes() -> bytes:
    """The docxtpl template: paragraph loops over sections and figures, and a table whose
    rows ({%tr %}) and columns ({%tc %}) come from each figure."""
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Quarterly monitoring report", level=0)
    doc.add_paragraph("Period: {{ period }}")
    doc.add_paragraph("Compared with: {{ previous }}")
    doc.add_paragraph("Teams: {{ teams }}")
    doc.add_paragraph("Produced {{ produced }} from Pathways.")
    doc.add_paragraph(INTRO)
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_heading("{{ section.title }}", level=1)
    doc.add_paragraph("{%p for figure in section.figures %}")
    doc.add_heading("{{ figure.title }}", level=2)
    doc.add_paragraph("{{ figure.description }}")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    cells = [["{{ figure.heading }}", "{%tc for name in figure.columns %}", "{{ name }}",
              "{%tc endfor %}"],
             ["{%tr for row in figure.rows %}", "", "", ""],
             ["{{ row.label }}", "{%tc for cell in row.cells %}", "{{ cell }}",
              "{%tc endfor %}"],
             ["{%tr endfor %}", "", "", ""]]
    for r, values in enumerate(cells):
        for c, text in enumerate(values):
            table.rows[r].cells[c].text = text
    for run in table.rows[0].cells[0].paragraphs[0].runs + table.rows[0].cells[2].paragraphs[0].runs:
        run.bold = True
    table.rows[2].cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{%p for note in figure.notes %}")
    doc.add_paragraph("{{ note }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _through_letters(context: dict) -> bytes | None:
    try:
        from ..letters import engine
    except ImportError:
        return None
    return engine.render_prepared(engine.prepared_for(TEMPLATE_KEY, _template_bytes), context)


def _plain_docx(context: dict) -> bytes:
    """The same document written directly with python-docx (letters not installed)."""
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Quarterly monitoring report", level=0)
    doc.add_paragraph(f"Period: {context['period']}")
    doc.add_paragraph(f"Compared with: {context['previous']}")
    doc.add_paragraph(f"Teams: {context['teams']}")
    doc.add_paragraph(f"Produced {context['produced']} from Pathways.")
    doc.add_paragraph(INTRO)
    for section in context["sections"]:
        doc.add_heading(section["title"], level=1)
        for figure in section["figures"]:
            doc.add_heading(figure["title"], level=2)
            doc.add_paragraph(figure["description"])
            table = doc.add_table(rows=1, cols=1 + len(figure["columns"]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            for i, text in enumerate([figure["heading"]] + figure["columns"]):
                table.rows[0].cells[i].text = text
            for row in figure["rows"]:
                cells = table.add_row().cells
                cells[0].text = row["label"]
                for i, text in enumerate(row["cells"], start=1):
                    cells[i].text = text
                    cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for note in figure["notes"]:
                doc.add_paragraph(note)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def monitoring_docx(report: list[tuple[str, list[Figure]]], *, period_label: str,
                    previous_label: str, team_names: list[str], produced: str) -> bytes:
    """The report as DOCX bytes: through the letters engine when it is installed."""
    context = _context(report, period_label, previous_label, team_names, produced)
    return _through_letters(context) or _plain_docx(context)
