"""The run report: one self-contained HTML page (inline CSS and SVG, no script) for a privacy reviewer.

>>> write_report(result.record, Path("report.html"), log=AuditLog(result.audit_log))

``privprep.report.terminal.render_record`` prints the same content in a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privprep.audit import AuditLog
from privprep.io.atomic import atomic_target
from privprep.report.html import page
from privprep.report.view import build_view

__all__ = ["write_report"]


def write_report(record: dict[str, Any], path: str | Path, log: AuditLog | None = None) -> Path:
    """Write the HTML report of ``record``; with ``log``, it also shows the audit chain's verification."""
    path = Path(path)
    html = page(build_view(record, log))
    with atomic_target(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
