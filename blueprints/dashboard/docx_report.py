"""The quarterly monitoring report as a Word document (python-docx): every figure's table,
already suppressed, with what it counts. Tables only: charts are for the screen."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .figures.base import SUPPRESSED_TEXT, Figure


def _table(doc, figure: Figure) -> None:
    table = doc.add_table(rows=1, cols=1 + len(figure.series))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0].cells
    header[0].text = figure.label_heading
    for i, series in enumerate(figure.series, start=1):
        header[i].text = series.name
    for cell in header:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for label, cells in figure.rows:
        row = table.add_row().cells
        row[0].text = label
        for i, cell in enumerate(cells, start=1):
            row[i].text = cell.text
            row[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if cell.suppressed:
                for run in row[i].paragraphs[0].runs:
                    run.italic = True


def monitoring_docx(report: list[tuple[str, list[Figure]]], *, period_label: str,
                    previous_label: str, team_names: list[str], produced: str) -> bytes:
    """The report as DOCX bytes: title page lines, then each section and figure."""
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Quarterly monitoring report", level=0)
    doc.add_paragraph(f"Period: {period_label}")
    doc.add_paragraph(f"Compared with: {previous_label}")
    doc.add_paragraph("Teams: " + ", ".join(team_names))
    doc.add_paragraph(f"Produced {produced} from Pathways.")
    doc.add_paragraph(f"Counts of 1 to 4 are shown as “{SUPPRESSED_TEXT}” so that no one "
                      "can be identified. Times are counted on the London calendar: a period "
                      "runs from the start of its first day to the end of its last.")
    for section, figures in report:
        doc.add_heading(section, level=1)
        for figure in figures:
            doc.add_heading(figure.title, level=2)
            doc.add_paragraph(figure.description)
            if figure.is_empty:
                doc.add_paragraph("Nothing to count in this period.")
            else:
                _table(doc, figure)
            for note in figure.notes:
                doc.add_paragraph(note)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
