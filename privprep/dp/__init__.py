"""Differentially private aggregates with OpenDP, under a persistent budget that is never overspent.

The engine calls :class:`DPRun` (prepare → release → commit / rollback); ``privprep budget show``
calls :func:`render_budget` (or :func:`budget_summary` for the data). See docs/dp.md.
The names below are imported on first use: OpenDP loads only when a run has aggregates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from privprep.lazy import lazy_names

if TYPE_CHECKING:
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
_RECORDS = ("BudgetSummary", "LedgerEntry", "MetricRecord", "ReleaseRecord", "ReleasedTable")
__getattr__ = lazy_names(
    __name__,
    {
        "LEDGER_NAME": "privprep.dp.ledger",
        "ledger_location": "privprep.dp.ledger",
        "DPRun": "privprep.dp.run",
        "budget_summary": "privprep.dp.show",
        "render_budget": "privprep.dp.show",
        **dict.fromkeys(_RECORDS, "privprep.dp.records"),
    },
)
