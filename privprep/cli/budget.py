"""``privprep budget show``."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from privprep.cli.app import budget_app, out, user_errors


@budget_app.command("show")
@user_errors
def show(
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset."),
    ledger: Path | None = typer.Option(
        None, "--ledger", help="Budget ledger (SQLite). Default: privprep-budget.sqlite here."
    ),
    key_env: str = typer.Option(
        "PRIVPREP_KEY", "--key-env", help="Variable holding the master key; when set, the ledger is verified."
    ),
) -> None:
    """Total, spent and remaining budget per dataset, and each release."""
    from privprep.dp import LEDGER_NAME, render_budget
    from privprep.keys import resolve_key
    from privprep.policy.model import KeySource

    key = resolve_key(KeySource(env=key_env)) if os.environ.get(key_env) else None
    render_budget(ledger or Path(LEDGER_NAME), dataset, out, key=key)
