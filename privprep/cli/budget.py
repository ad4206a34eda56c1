"""``privprep budget show``."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from privprep.cli.app import JsonOption, budget_app, out, user_errors
from privprep.cli.help import epilog
from privprep.cli.where import PolicyOption, ledger


@budget_app.command(
    "show",
    epilog=epilog(
        "privprep budget show --ledger data/privprep-budget.sqlite",
        "privprep budget show --policy policies/dp.yaml --dataset crm --json",
    ),
)
@user_errors
def show(
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset."),
    ledger_path: Path | None = typer.Option(
        None, "--ledger", metavar="PATH", help="Budget ledger (SQLite). Default: see docs/cli.md."
    ),
    policy: Path | None = PolicyOption,
    key_env: str = typer.Option(
        "PRIVPREP_KEY", "--key-env", help="Variable holding the master key; when set, the ledger is verified."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Total, spent and remaining budget per dataset, and each release."""
    from privprep.dp import budget_summary, render_budget
    from privprep.keys import resolve_key
    from privprep.policy.model import KeySource

    where = ledger(ledger_path, policy)
    key = resolve_key(KeySource(env=key_env)) if os.environ.get(key_env) else None
    if not as_json:
        render_budget(where.path, dataset, out, key=key)
        return
    from privprep.cli.shapes import BudgetJson
    from privprep.dp.ledger import Ledger

    datasets = budget_summary(where.path, dataset, key)
    seal = Ledger(where.path, key).head() if key is not None else None
    BudgetJson(ledger=str(where.path), verified=key is not None, seal=seal, datasets=datasets).emit()
