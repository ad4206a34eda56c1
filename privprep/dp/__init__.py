"""Differentially private aggregates with OpenDP, under a persistent budget that is never overspent.

The engine calls :class:`DPRun` (prepare → release → commit / rollback); ``privprep budget show``
calls :func:`render_budget` (or :func:`budget_summary` for the data). See docs/dp.md.
"""

from privprep.dp.ledger import LEDGER_NAME, ledger_location
from privprep.dp.records import BudgetSummary, LedgerEntry, MetricRecord, ReleasedTable, ReleaseRecord
from privprep.dp.run import DPRun
from privprep.dp.show import budget_summary, render_budget

__all__ = [
    "LEDGER_NAME",
    "BudgetSummary",
    "DPRun",
    "LedgerEntry",
    "MetricRecord",
    "ReleaseRecord",
    "ReleasedTable",
    "budget_summary",
    "ledger_location",
    "render_budget",
]
