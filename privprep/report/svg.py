"""Inline SVG charts (no script, no external resource): class histograms and length box plots."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from privprep.report import fmt
from privprep.report.risk import Histogram

INPUT_COLOR, MIDDLE_COLOR, OUTPUT_COLOR = "#8c9bb5", "#e0a43a", "#2a8c82"
BELOW_COLOR = "#d2544a"
SVG = 'xmlns="http://www.w3.org/2000/svg"'


def histogram(h: Histogram, width: int = 600) -> str:
    """One row of bars per stage (input, ..., written), each on its own scale; classes per bucket.

    Buckets under the threshold are drawn red; hovering a bar shows its classes and rows.
    """
    left, right, panel, gap = 118, 8, 88, 10
    slot = (width - left - right) / max(len(h.labels), 1)
    base = len(h.series) * (panel + gap)
    height = base + 40
    parts = [
        f'<svg {SVG} viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-label="{escape(h.axis)}" class="chart">'
    ]
    for s, (name, values) in enumerate(h.series):
        color = OUTPUT_COLOR if s == len(h.series) - 1 else INPUT_COLOR if s == 0 else MIDDLE_COLOR
        parts.append(_panel(h, name, values, color, (left, s * (panel + gap) + 4, slot, panel)))
    for i, text in enumerate(h.labels):
        x = left + (i + 0.5) * slot
        parts.append(
            f'<text x="{x:.1f}" y="{base + 6}" class="tick" text-anchor="middle">{escape(text)}</text>'
        )
    parts.append(
        f'<text x="{left + (width - left - right) / 2:.1f}" y="{base + 28}" class="axis"'
        f' text-anchor="middle">{escape(h.axis)} · bars: number of classes · red: below'
        f" {escape(h.threshold)}</text></svg>"
    )
    return "".join(parts)


def _panel(h: Histogram, name: str, values: list[int], color: str, box: tuple[float, ...]) -> str:
    left, top, slot, height = box
    peak, plot_h, top = max([*values, 1]), height - 28, top + 12  # room for the tallest bar's label
    rows = dict(h.rows).get(name, [])
    parts = [
        f'<text x="{left - 10}" y="{top + plot_h / 2 + 4:.1f}" class="axis" text-anchor="end">'
        f"{escape(name)}</text>",
        f'<line x1="{left}" x2="{left + slot * len(values):.1f}" y1="{top + plot_h:.1f}"'
        f' y2="{top + plot_h:.1f}" class="grid"/>',
    ]
    for i, value in enumerate(values):
        bar_h = plot_h * value / peak
        x, y = left + i * slot + slot * 0.15, top + plot_h - bar_h
        fill = BELOW_COLOR if i < len(h.below) and h.below[i] else color
        count = fmt.num(rows[i]) if i < len(rows) else fmt.MISSING
        tip = f"{name}, {h.labels[i]}: {fmt.num(value)} classes, {count} rows"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" fill="{fill}">'
            f'<title>{escape(tip)}</title></rect><text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}"'
            f' class="value" text-anchor="middle">{fmt.num(value)}</text>'
        )
    return "".join(parts)


def lengths(before: Sequence[float] | None, after: Sequence[float] | None, width: int = 150) -> str:
    """Two box plots of text length quantiles [min, q1, median, q3, max] on one scale: input, output."""
    boxes = [
        (label, q, color)
        for label, q, color in (("input", before, INPUT_COLOR), ("output", after, OUTPUT_COLOR))
        if q and None not in q
    ]
    if not boxes:
        return ""
    scale = (width - 8) / (max(max(q) for _, q, _ in boxes) or 1)
    parts = [f'<svg {SVG} viewBox="0 0 {width} 30" width="{width}" height="30" class="box">']
    for row, (label, q, color) in enumerate(boxes):
        y = 4 + row * 13
        lo, q1, med, q3, hi = (4 + v * scale for v in q)
        parts.append(
            f"<g><title>{label} length: min {q[0]:g}, median {q[2]:g}, max {q[4]:g}</title>"
            f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{y + 4}" y2="{y + 4}" stroke="{color}"/>'
            f'<rect x="{q1:.1f}" y="{y}" width="{max(q3 - q1, 1):.1f}" height="8" fill="{color}"/>'
            f'<line x1="{med:.1f}" x2="{med:.1f}" y1="{y - 1}" y2="{y + 9}" stroke="#222"'
            ' stroke-width="1.5"/></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
