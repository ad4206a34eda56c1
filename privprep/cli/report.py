"""``privprep report``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.audit import DEFAULT_NAME, AuditLog
from privprep.cli.app import app, out, user_errors


@app.command()
@user_errors
def report(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="HTML file to write."),
    log: Path = typer.Option(Path(DEFAULT_NAME), "--log", help="Audit log path."),
) -> None:
    """Write a self-contained HTML report of one run for a privacy reviewer."""
    from privprep.report import write_report

    write_report(AuditLog(log).find(run_id), output, log=AuditLog(log))
    out.print(f"[green]✓[/] report written to {output}")
