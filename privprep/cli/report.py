"""``privprep report``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.cli.app import app, out, user_errors
from privprep.cli.help import epilog
from privprep.cli.where import LogOption, PolicyOption, audit_log, find


@app.command(epilog=epilog("privprep report 20261127T0405 --log out/privprep-audit.jsonl -o report.html"))
@user_errors
def report(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="HTML file to write."),
    log: Path | None = LogOption,
    policy: Path | None = PolicyOption,
) -> None:
    """Write a self-contained HTML report of one run for a privacy reviewer."""
    from privprep.report import write_report

    found, where = audit_log(log, policy)
    write_report(find(found, where, run_id), output, log=found)
    out.print(f"[green]✓[/] report written to {output}")
