"""``privprep budget show``: each dataset's total, spent and remaining budget, and every release."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from privprep.dp.ledger import Ledger
from privprep.dp.records import BudgetSummary, LedgerEntry
from privprep.keys import MasterKey

_ENTRY_FIELDS = ("release", "run_id", "epsilon", "delta", "state", "note")


def budget_summary(
    ledger_path: str | Path, dataset: str | None = None, key: MasterKey | None = None
) -> list[BudgetSummary]:
    """Budgets in the ledger (one dataset if named); pending reservations count as spent.

    With ``key`` the ledger is verified first (every row's MAC and the seal) and reservations of dead
    processes are resolved; without it the figures are read as they are, unverified. Raises
    PrivprepError: INPUT_NOT_FOUND when the ledger or the dataset does not exist, AUDIT_INVALID when
    the ledger fails verification.
    """
    return [
        BudgetSummary(
            dataset=name,
            privacy_unit=unit,
            epsilon_total=balance.epsilon_total,
            delta_total=balance.delta_total,
            epsilon_spent=float(balance.epsilon_spent),
            delta_spent=float(balance.delta_spent),
            epsilon_remaining=balance.epsilon_remaining,
            delta_remaining=balance.delta_remaining,
            entries=[
                LedgerEntry(time=row["created_at"], **{k: row[k] for k in _ENTRY_FIELDS}) for row in rows
            ],
        )
        for name, unit, balance, rows in Ledger(Path(ledger_path), key).balances(dataset)
    ]


def render_budget(
    ledger_path: str | Path, dataset: str | None, console: Console, key: MasterKey | None = None
) -> None:
    """Print :func:`budget_summary` as one table per dataset, then whether the ledger was verified."""
    for summary in budget_summary(ledger_path, dataset, key):
        console.print(
            f"[bold]{summary.dataset}[/] ({summary.privacy_unit}): "
            f"ε total {summary.epsilon_total:g}, spent {summary.epsilon_spent:.6g}, "
            f"remaining {summary.epsilon_remaining:.6g}; "
            f"δ total {summary.delta_total:g}, spent {summary.delta_spent:.3g}, "
            f"remaining {summary.delta_remaining:.3g}",
            highlight=False,
        )
        table = Table("time", "release", "ε", "δ", "run id", "state")
        for e in summary.entries:
            state = e.state if e.note is None else f"{e.state} ({e.note})"
            table.add_row(e.time, e.release, f"{e.epsilon:g}", f"{e.delta:g}", e.run_id, state)
        console.print(table)
    if key is None:
        console.print("ledger NOT verified: no master key (set PRIVPREP_KEY, or --key-env)", highlight=False)
    else:
        console.print(f"ledger verified; seal {Ledger(Path(ledger_path), key).head()}", highlight=False)
