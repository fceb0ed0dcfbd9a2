"""Bar and line charts drawn on the server as SVG: no script, no download, readable by
screen readers (role="img" with a title and a description; the page shows the same figures
as a table beside each chart).

Charts draw what a Figure holds after suppression: a suppressed value has no bar or point,
only the words "fewer than 5".
"""
from __future__ import annotations

import math

from markupsafe import Markup, escape

from .figures.base import Figure

WIDTH = 760
TEXT = "#212b32"
GRID = "#d8dde0"
# NHS.UK palette colours with at least 3:1 contrast against white (WCAG non-text contrast).
COLOURS = ["#005eb8", "#330072", "#007f3b", "#7c2855", "#425563"]
FONT = 'font-size="13"'


def _nice_ticks(top: float) -> list[float]:
    """Round axis ticks from 0 to at least `top` (steps of 1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0, 1]
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)
    ticks, value = [0.0], 0.0
    while value < top:
        value += step
        ticks.append(value)
    return ticks


def _tick_text(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return text + ("%" if unit == "%" else "")


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _open(chart_id: str, figure: Figure, height: int, kind: str) -> list[str]:
    names = " and ".join(s.name for s in figure.charted)
    desc = (f"{kind} chart of {names.lower()} ({'percentages' if figure.unit == '%' else figure.unit}). "
            f"{figure.description} The table that follows gives every figure.")
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'focusable="false">',
            f'<title id="{chart_id}-title">{escape(figure.title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>']


def _legend(figure: Figure, y: int) -> list[str]:
    parts, x = [], 0
    for i, series in enumerate(figure.charted):
        parts.append(f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 20}" y="{y}" fill="{TEXT}" {FONT}>{escape(series.name)}</text>')
        x += 34 + 7 * len(series.name)
    return parts


def bar_chart(figure: Figure, chart_id: str) -> Markup:
    """Horizontal bars, one group per row label, one bar per charted series."""
    series = figure.charted
    label_w, value_w = 220, 90
    plot_w = WIDTH - label_w - value_w
    bar_h, gap = 16, 12
    group_h = bar_h * len(series) + gap
    legend = len(series) > 1
    top = 30 + (24 if legend else 0)
    height = top + group_h * max(len(figure.labels), 1) + 10
    values = [c.value for s in series for c in s.cells if c.value is not None]
    ticks = _nice_ticks(max(values, default=0))
    scale = plot_w / ticks[-1]
    out = _open(chart_id, figure, height, "Bar")
    if legend:
        out += _legend(figure, 14)
    axis_y = top - 8
    for tick in ticks:
        x = label_w + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{height - 10}" stroke="{GRID}"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y - 4}" fill="{TEXT}" font-size="11" '
                   f'text-anchor="middle">{escape(_tick_text(tick, figure.unit))}</text>')
    for row, label in enumerate(figure.labels):
        y0 = top + row * group_h
        out.append(f'<text x="{label_w - 8}" y="{y0 + (group_h - gap) / 2 + 4:.1f}" fill="{TEXT}" '
                   f'{FONT} text-anchor="end">{escape(_clip(label))}</text>')
        for i, s in enumerate(series):
            cell = s.cells[row]
            y = y0 + i * bar_h
            colour = COLOURS[i % len(COLOURS)]
            width = (cell.value or 0) * scale
            if cell.value:
                out.append(f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h - 2}" fill="{colour}"/>')
            italic = ' font-style="italic"' if cell.suppressed else ""
            out.append(f'<text x="{label_w + width + 6:.1f}" y="{y + bar_h - 5}" fill="{TEXT}" '
                       f'font-size="12"{italic}>{escape(cell.text)}</text>')
    out.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w}" y2="{height - 10}" stroke="{TEXT}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(figure: Figure, chart_id: str) -> Markup:
    """A line per charted series across the row labels (e.g. months); a suppressed value
    breaks the line and is marked "fewer than 5" under the axis."""
    series = figure.charted
    left, right, bottom = 60, 20, 50
    legend = len(series) > 1
    top = 24 + (24 if legend else 0)
    height = 300
    plot_h = height - top - bottom
    plot_w = WIDTH - left - right
    n = max(len(figure.labels), 1)
    step = plot_w / n
    values = [c.value for s in series for c in s.cells if c.value is not None]
    ticks = _nice_ticks(max(values, default=0))
    scale = plot_h / ticks[-1]
    out = _open(chart_id, figure, height, "Line")
    if legend:
        out += _legend(figure, 14)
    base = top + plot_h
    for tick in ticks:
        y = base - tick * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" fill="{TEXT}" font-size="11" '
                   f'text-anchor="end">{escape(_tick_text(tick, figure.unit))}</text>')
    every = max(1, math.ceil(n / 8))  # at most about 8 labels under the axis
    for i, label in enumerate(figure.labels):
        x = left + step * (i + 0.5)
        if i % every == 0:
            out.append(f'<text x="{x:.1f}" y="{base + 18}" fill="{TEXT}" font-size="12" '
                       f'text-anchor="middle">{escape(_clip(label, 14))}</text>')
    for k, s in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, cell in enumerate(s.cells):
            x = left + step * (i + 0.5)
            if cell.value is None:
                runs.append([])
                if cell.suppressed:
                    out.append(f'<text x="{x:.1f}" y="{base - 6}" fill="{TEXT}" font-size="11" '
                               f'font-style="italic" text-anchor="middle">{escape(cell.text)}</text>')
                continue
            y = base - cell.value * scale
            runs[-1].append((x, y))
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
            if n <= 13:
                out.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" fill="{TEXT}" font-size="11" '
                           f'text-anchor="middle">{escape(cell.text)}</text>')
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"/>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{TEXT}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def chart(figure: Figure, chart_id: str) -> Markup | None:
    """The figure's chart, or None when it has no chart or nothing to draw (every value
    zero, suppressed or not available: the table says it better)."""
    if figure.is_empty or figure.chart is None:
        return None
    if not any(c.value for s in figure.charted for c in s.cells):
        return None
    return (line_chart if figure.chart == "line" else bar_chart)(figure, chart_id)
