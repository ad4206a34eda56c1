"""Typed records of DP releases and budgets: what the audit log and ``privprep budget show`` carry.

They hold policy parameters, noise scales, accuracies and budget figures, never a data value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict

CONFIDENCE = 0.95
"""Every stated accuracy is a half-width at this confidence (``alpha = 0.05``)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MetricRecord(_Record):
    """One released statistic: its mechanism, noise scale and 95% accuracy.

    ``accuracy`` is the half-width, in the column's units, of an interval that holds the value
    before noise with 95% probability; for a mean it varies per group (see ``accuracy_column``);
    a quantile states ``rank_accuracy`` in rows instead.
    """

    name: str
    kind: Literal["count", "sum", "mean", "quantile"]
    column: str | None = None
    bounds: tuple[float, float] | None = None
    alpha: float | None = None
    candidates: int | None = None
    integer: bool
    mechanism: str
    sensitivity: float
    scale: float
    count_scale: float | None = None
    accuracy: float | None = None
    rank_accuracy: float | None = None
    accuracy_column: str | None = None


class ReleaseRecord(_Record):
    """One DP release and the budget it spent; ``ledger_state`` is ``committed`` after commit."""

    name: str
    dataset: str
    run_id: str
    path: str | None
    sha256: str | None = None  # of the written release file; set by the engine, checked by audit verify
    privacy_unit: str
    rows_per_unit: int
    truncated: bool
    group_by: list[str]
    keys: Literal["none", "public", "discovered"]
    groups: int
    threshold: int | None = None
    groups_dropped: int = 0
    clamped_counts: int = 0
    epsilon: float
    delta: float
    budget_epsilon: float
    budget_delta: float
    epsilon_spent_total: float
    delta_spent_total: float
    epsilon_remaining: float
    delta_remaining: float
    ledger: str
    ledger_state: Literal["released", "committed"]
    confidence: float = CONFIDENCE
    metrics: list[MetricRecord]
    opendp_version: str
    opendp_features: list[str]
    seconds: float


class LedgerEntry(_Record):
    """One reservation or spend in the ledger."""

    time: str
    release: str
    run_id: str
    epsilon: float
    delta: float
    state: Literal["reserved", "released", "committed", "rolled_back"]
    note: str | None = None


class BudgetSummary(_Record):
    """A dataset's budget: total, spent (pending reservations included), remaining, and each entry."""

    dataset: str
    privacy_unit: str
    epsilon_total: float
    delta_total: float
    epsilon_spent: float
    delta_spent: float
    epsilon_remaining: float
    delta_remaining: float
    entries: list[LedgerEntry]


@dataclass(frozen=True)
class ReleasedTable:
    """A release's complete frame (keys, noisy values, scale and accuracy columns) and its record."""

    name: str
    path: str | None
    frame: pl.DataFrame
    record: ReleaseRecord
