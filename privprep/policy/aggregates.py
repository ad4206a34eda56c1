"""Differentially private aggregate releases and their privacy budget."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from privprep.policy.base import Spec

U32_MAX = 2**32 - 1
EPSILON_RANGE = (1e-3, 50.0)
"""Allowed ε, per release and for a budget's total: below, noise drowns every statistic (and the
noise of an integer sum can saturate Int64); above, the guarantee means nothing (and Laplace noise
rounds to zero, so accuracies degenerate)."""
DELTA_MAX = 1e-3
"""Allowed δ: 0 to this. δ is the chance that a discovered group key exposes one person."""


def _epsilon(value: float) -> float:
    low, high = EPSILON_RANGE
    allowed = f"allowed: a number from {low:g} to {high:g}"
    if not math.isfinite(value):
        raise ValueError(f"ε must be a finite number; {allowed}")
    if value <= 0:
        raise ValueError(f"ε must be greater than 0; {allowed}")
    if not low <= value <= high:
        raise ValueError(f"ε is {'below' if value < low else 'above'} the supported range; {allowed}")
    return value


def _delta(value: float) -> float:
    if not (math.isfinite(value) and 0 <= value <= DELTA_MAX):
        raise ValueError(f"δ must be a number from 0 to {DELTA_MAX:g}")
    return value


Epsilon = Annotated[float, AfterValidator(_epsilon)]
Delta = Annotated[float, AfterValidator(_delta)]


def _never_inferred(noun: str) -> str:
    return f"; {noun} are required: privprep never infers them from the private data, which would leak it"


class PrivacyUnit(Spec):
    """Who is protected: each row (``rows: 1``) or each ``column`` value contributing ≤ ``max_rows``."""

    column: str | None = None
    max_rows: int | None = Field(None, ge=1)
    rows: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_form(self) -> PrivacyUnit:
        if self.rows is not None and (self.column is not None or self.max_rows is not None):
            raise ValueError("privacy_unit is either {rows: N} or {column: C, max_rows: N}")
        if self.rows is None and (self.column is None or self.max_rows is None):
            raise ValueError("privacy_unit needs {rows: N} or both column and max_rows")
        return self

    @property
    def key(self) -> str:
        """Stable text form, pinned in the budget ledger: ``column=customer_id,max_rows=5``."""
        if self.rows is not None:
            return f"rows={self.rows}"
        return f"column={self.column},max_rows={self.max_rows}"


class Budget(Spec):
    """Total privacy loss allowed for a dataset and unit, across all runs."""

    epsilon: Epsilon
    delta: Delta = 0.0


class Count(Spec):
    kind: Literal["count"] = "count"


class _Bounded(Spec):
    column: str
    bounds: tuple[float, float] = Field(
        description="a [lower, upper] range every value is clipped to" + _never_inferred("bounds")
    )

    @model_validator(mode="after")
    def _ordered(self) -> _Bounded:
        if not self.bounds[0] < self.bounds[1]:
            raise ValueError("bounds must be [lower, upper] with lower < upper")
        return self


class Sum(_Bounded):
    kind: Literal["sum"] = "sum"


class Mean(_Bounded):
    kind: Literal["mean"] = "mean"


class Quantile(Spec):
    kind: Literal["quantile"] = "quantile"
    column: str
    alpha: float = Field(0.5, gt=0, lt=1)
    candidates: list[float] = Field(
        min_length=2,
        description="the public values the released quantile is chosen from" + _never_inferred("candidates"),
    )

    @model_validator(mode="after")
    def _increasing(self) -> Quantile:
        if any(b <= a for a, b in zip(self.candidates, self.candidates[1:], strict=False)):
            raise ValueError("candidates must be strictly increasing")
        return self


_METRIC_KEYS = {"sum": "sum", "mean": "mean", "median": "quantile", "quantile": "quantile"}


def _normalize_metric(value: Any) -> Any:
    """``count`` / ``{sum: salary, bounds: [..]}`` / ``{median: x, candidates: [..]}`` → tagged dict."""
    if value == "count":
        return {"kind": "count"}
    if isinstance(value, dict) and "kind" not in value:
        for key, kind in _METRIC_KEYS.items():
            if key in value:
                out = {k: v for k, v in value.items() if k != key}
                out.update(kind=kind, column=value[key])
                if key == "median":
                    out.setdefault("alpha", 0.5)
                return out
    return value


Metric = Annotated[Count | Sum | Mean | Quantile, Field(discriminator="kind")]


class Release(Spec):
    """One DP query: metrics per group, written to ``path``."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    epsilon: Epsilon
    delta: Delta = 0.0
    group_by: list[str] = Field(default_factory=list)
    keys: list[Any] | None = None  # public keys; one list per key when grouping by several columns
    max_groups: int = Field(100, ge=1)  # keys discovered under DP: at most this many groups are kept
    metrics: list[Annotated[Metric, BeforeValidator(_normalize_metric)]] = Field(min_length=1)
    path: str | None = None

    @model_validator(mode="after")
    def _keys_shape(self) -> Release:
        if self.keys is None:
            return self
        if not self.group_by:
            raise ValueError("keys need group_by")
        if len(self.group_by) > 1 and not all(
            isinstance(k, list) and len(k) == len(self.group_by) for k in self.keys
        ):
            raise ValueError(f"with {len(self.group_by)} group_by columns each key is a list of that length")
        return self


class AggregatesSpec(Spec):
    """The ``aggregates`` section of a policy."""

    dataset: str | None = Field(None, description="budget identity; defaults to the policy name")
    ledger: str | None = Field(None, description="budget ledger (SQLite); default: beside the input file")
    max_group_rows: int | None = Field(
        None, ge=1, le=U32_MAX,
        description="public upper bound on rows in any group; required for float sums and means",
    )  # fmt: skip
    privacy_unit: PrivacyUnit
    budget: Budget
    releases: list[Release] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> AggregatesSpec:
        names = [r.name for r in self.releases]
        if len(set(names)) != len(names):
            raise ValueError("release names must be unique")
        return self
