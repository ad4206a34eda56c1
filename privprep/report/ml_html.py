"""The report's "Training data" and "Drift" sections (HTML, inline SVG)."""

from __future__ import annotations

from html import escape

from privprep.drift.model import DriftSection, LabelChange
from privprep.prep.records import PrepRecord
from privprep.report.html import e, section, table, tag
from privprep.report.ml import LabelView, drift_rows, label_views, prep_facts

BAR_COLOR, HIDDEN_COLOR = "#2a8c82", "#c9ced6"


def ml_sections(prep: PrepRecord | None, drift: DriftSection | None) -> str:
    return _training(prep) + _drift(drift)


def _training(prep: PrepRecord | None) -> str:
    if prep is None:
        return ""
    facts = prep_facts(prep)
    inner = _pairs(facts) if facts else ""
    inner += "".join(_label(v) for v in label_views(prep))
    return section("Training data: duplicates, labels, splits", inner)


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return tag("table", "".join(tag("tr", tag("th", e(k)) + tag("td", e(v))) for k, v in pairs), "kv")


def _label(v: LabelView) -> str:
    head = tag("h3", f"label {e(v.column)}") + tag("p", f"imbalance ratio <b>{e(v.imbalance)}</b>", "sub")
    return tag("div", head + tag("div", _pairs(v.facts) + class_chart(v), "grid"), "check")


def class_chart(v: LabelView, width: int = 360) -> str:
    """Horizontal bars, one per class; a class with fewer than k rows shows a grey stub marked < k."""
    left, row, right = 110, 22, 60
    peak = max([n for _, n in v.classes if n is not None] or [1])
    height = row * len(v.classes) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-label="class distribution" class="chart">'
    ]
    for i, (name, n) in enumerate(v.classes):
        y = i * row + 4
        length = (width - left - right) * (n / peak if n is not None else 0.02)
        color, text = (BAR_COLOR, f"{n:,}") if n is not None else (HIDDEN_COLOR, f"< {v.k}")
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" class="tick" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{row - 6}" fill="{color}"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + 13}" class="tick">{escape(text)}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" class="axis">rows per class after mapping'
        " (counts under k hidden)</text>"
    )
    return "".join(parts) + "</svg>"


def _drift(drift: DriftSection | None) -> str:
    if drift is None:
        return ""
    c = drift.comparison
    if c is None:
        note = "No earlier run to compare with: this run's profile is the baseline for the next one."
        return section("Drift", tag("p", e(note), "muted"))
    s = c.schema_
    changes = [f"column {n} added" for n in s.added] + [f"column {n} removed" for n in s.removed]
    changes += [f"column {r.column} retyped {r.before} → {r.after}" for r in s.retyped]
    schema = (
        tag("ul", "".join(tag("li", e(x)) for x in changes), "warnings")
        if changes
        else tag("p", "Schema unchanged.")
    )
    rows = ([e(x) for x in r] for r in drift_rows(c))
    columns = table(["column", "PSI", "null rate before → after", ""], rows, [False, True, True])
    labels = "".join(_label_shares(lc) for lc in c.labels)
    sub = f"against run {c.baseline} · PSI limit {c.psi_limit:g}"
    return section("Drift", tag("p", e(sub), "sub") + schema + columns + labels)


def _label_shares(lc: LabelChange) -> str:
    rows = (
        [e(n), e(_share(b)), e(_share(a))] for n, b, a in zip(lc.classes, lc.before, lc.after, strict=True)
    )
    return tag("p", tag("b", f"label {e(lc.column)}")) + table(
        ["class", "share before", "share after"], rows, [False, True, True]
    )


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "< k rows"
