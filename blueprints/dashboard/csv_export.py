"""CSV files of report tables that are safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io

from .figures.base import Figure

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (CSV injection): such cells get a leading apostrophe so they are shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """`value` as CSV text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def figure_csv(figure: Figure, context: list[tuple[str, str]]) -> str:
    """The figure's table as CSV: a few lines saying what it is, then the table. Suppressed
    counts are written as "fewer than 5", never as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(figure.title)])
    for key, value in context:
        writer.writerow([neutralise(key), neutralise(value)])
    writer.writerow([])
    writer.writerow([neutralise(figure.label_heading)] + [neutralise(s.name) for s in figure.series])
    for label, cells in figure.rows:
        writer.writerow([neutralise(label)] + [neutralise(c.text.replace(",", "") if c.value is not None else c.text)
                                               for c in cells])
    for note in figure.notes:
        writer.writerow([neutralise(note)])
    return out.getvalue()
