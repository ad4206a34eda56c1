"""``privprep budget show``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.cli.app import budget_app, out, user_errors
from privprep.dp_steps import LEDGER_NAME


@budget_app.command("show")
@user_errors
def show(
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset."),
    ledger: Path = typer.Option(Path(LEDGER_NAME), "--ledger", help="Budget ledger (SQLite)."),
) -> None:
    """Total, spent and remaining budget per dataset, and each release."""
    from privprep.dp import render_budget

    render_budget(ledger, dataset, out)
