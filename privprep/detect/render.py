"""``privprep scan`` for people: one table row per column, strongest signals first."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from privprep.detect.report import ScanReport


def render_scan(report: ScanReport, console: Console) -> None:
    """Print the findings: column, entity, score and the evidence summary (never a value)."""
    table = Table(title=f"{len(report.columns)} columns, {report.rows_sampled} rows sampled")
    for header in ("column", "entity", "score", "evidence"):
        table.add_column(header)
    for f in report.columns:
        style = "bold red" if f.is_pii else "yellow" if f.is_quasi_identifier else "dim"
        entity = f"[{style}]{f.entity or '-'}[/]" + (" (free text)" if f.free_text else "")
        table.add_row(escape(f.name), entity, f"{f.score:.2f}", escape(str(f.evidence.get("summary", ""))))
    console.print(table)
    if not report.ner:
        console.print("[yellow]NER was off: names and places were looked for with patterns and lists only[/]")
