"""Differentially private aggregate releases and their privacy budget."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from privprep.policy.base import Spec


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


class Budget(Spec):
    """Total privacy loss allowed for a dataset and unit, across all runs."""

    epsilon: float = Field(gt=0)
    delta: float = Field(0.0, ge=0, lt=1)


class Count(Spec):
    kind: Literal["count"] = "count"


class Sum(Spec):
    kind: Literal["sum"] = "sum"
    column: str
    bounds: tuple[float, float]


class Mean(Spec):
    kind: Literal["mean"] = "mean"
    column: str
    bounds: tuple[float, float]


class Quantile(Spec):
    kind: Literal["quantile"] = "quantile"
    column: str
    alpha: float = Field(0.5, gt=0, lt=1)
    candidates: list[float] = Field(min_length=2)


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
    epsilon: float = Field(gt=0)
    delta: float = Field(0.0, ge=0, lt=1)
    group_by: list[str] = Field(default_factory=list)
    keys: list[Any] | None = None
    max_groups: int = Field(100, ge=1)
    metrics: list[Annotated[Metric, BeforeValidator(_normalize_metric)]] = Field(min_length=1)
    path: str | None = None


class AggregatesSpec(Spec):
    """The ``aggregates`` section of a policy."""

    dataset: str | None = Field(None, description="budget identity; defaults to the policy name")
    privacy_unit: PrivacyUnit
    budget: Budget
    releases: list[Release] = Field(min_length=1)
