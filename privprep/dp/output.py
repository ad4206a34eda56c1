"""OpenDP's noisy frame → the published table: values, noise scales and 95% accuracies.

Everything here is post-processing of DP outputs and public parameters, so it costs no budget:

* counts below zero are clamped to 0 and flagged in ``<name>_clamped``;
* a mean is ``noisy sum / noisy count``, null where the noisy count is ≤ 0, clipped to its bounds;
  its per-group accuracy splits the 5% error between the two (union bound):
  ``(acc_sum + max|bound| · acc_count) / noisy count``, capped at the width of the bounds;
* with keys discovered under DP, at most ``max_groups`` groups are kept (largest noisy counts).
"""

from __future__ import annotations

import math

import opendp.prelude as dp
import polars as pl

from privprep.dp.metrics import MetricPlan
from privprep.dp.query import PreparedRelease
from privprep.dp.records import CONFIDENCE, MetricRecord
from privprep.dp.theory import rank_accuracy
from privprep.errors import ReasonCode, fail
from privprep.policy.aggregates import Count, Mean, Quantile, Sum

ALPHA = 1 - CONFIDENCE
MAX_SCALE = 2.0**52
"""Largest noise scale privprep publishes: beyond it floats lose whole units and an integer statistic's
noise could reach Int64's limits (issue 9: ε=1e-300 published i64::MAX)."""


def accuracy(mechanism: str, scale: float, alpha: float = ALPHA) -> float:
    """Half-width of the ``1 - alpha`` interval of a Laplace mechanism's noise."""
    if mechanism == "Integer Laplace":
        return float(dp.discrete_laplacian_scale_to_accuracy(scale, alpha))
    return float(dp.laplacian_scale_to_accuracy(scale, alpha))


def check_publishable(prep: PreparedRelease) -> None:
    """Refuse, before anything is reserved, a release whose noise scale or accuracy is not a usable number."""
    for alias, scale in prep.scales.items():
        mechanism = prep.mechanisms[alias]
        acc = accuracy(mechanism, scale) if "Laplace" in mechanism and 0 < scale <= MAX_SCALE else 0.0
        if not (0 < scale <= MAX_SCALE and math.isfinite(acc) and acc >= 0):
            raise fail(
                ReasonCode.DP_INVALID,
                f"{prep.where}: {alias} would get noise of scale {scale:.3g}; privprep publishes scales in"
                f" (0, {MAX_SCALE:.3g}]: raise ε or narrow the bounds",
            )


def finish(prep: PreparedRelease, raw: pl.DataFrame) -> tuple[pl.DataFrame, list[MetricRecord], int, int]:
    """(published frame, metric records, clamped count cells, groups dropped)."""
    dropped = 0
    if prep.keys == "discovered":
        count = next(m.name for m in prep.metrics if isinstance(m.spec, Count))
        dropped = max(raw.height - prep.release.max_groups, 0)
        raw = raw.sort(count, descending=True).head(prep.release.max_groups)
    columns, records = [], []
    for plan in prep.metrics:
        exprs, record = _metric(prep, plan)
        columns += exprs
        records.append(record)
    clamped = sum(int((raw[m.name] < 0).sum()) for m in prep.metrics if isinstance(m.spec, Count))
    group_by = prep.release.group_by
    frame = raw.select(*group_by, *columns)
    if group_by:
        frame = frame.sort(group_by, nulls_last=True)
    return frame, records, clamped, dropped


def _metric(prep: PreparedRelease, plan: MetricPlan) -> tuple[list[pl.Expr], MetricRecord]:
    spec, name = plan.spec, plan.name
    part = plan.parts[0]
    scale, mechanism = prep.scales[part.alias], prep.mechanisms[part.alias]
    base = {
        "name": name,
        "kind": spec.kind,
        "integer": plan.integer,
        "sensitivity": part.sensitivity,
        "scale": scale,
        "mechanism": mechanism,
    }
    if not isinstance(spec, Count):
        base["column"] = spec.column
    lit_scale = pl.lit(scale, pl.Float64).alias(f"{name}_scale")
    if isinstance(spec, Count):
        acc = accuracy(mechanism, scale)
        raw = pl.col(name)
        exprs = [
            pl.when(raw < 0).then(0).otherwise(raw).alias(name),
            (raw < 0).alias(f"{name}_clamped"),
            lit_scale,
            pl.lit(acc, pl.Float64).alias(f"{name}_accuracy"),
        ]
        return exprs, MetricRecord(**base, accuracy=acc)
    if isinstance(spec, Sum):
        acc = accuracy(mechanism, scale)
        exprs = [pl.col(name), lit_scale, pl.lit(acc, pl.Float64).alias(f"{name}_accuracy")]
        return exprs, MetricRecord(**base, bounds=spec.bounds, accuracy=acc)
    if isinstance(spec, Quantile):
        ranks = rank_accuracy(scale, len(spec.candidates), plan.den or 1, ALPHA)
        exprs = [pl.col(name), lit_scale, pl.lit(ranks, pl.Float64).alias(f"{name}_rank_accuracy")]
        record = MetricRecord(
            **base, alpha=spec.alpha, candidates=len(spec.candidates), rank_accuracy=ranks
        )  # fmt: skip
        return exprs, record
    assert isinstance(spec, Mean)
    return _mean(prep, plan, spec, base)


def _mean(
    prep: PreparedRelease, plan: MetricPlan, spec: Mean, base: dict
) -> tuple[list[pl.Expr], MetricRecord]:
    name = plan.name
    total, count = plan.parts
    lo, hi = spec.bounds
    count_scale = prep.scales[count.alias]
    acc_sum = accuracy(prep.mechanisms[total.alias], prep.scales[total.alias], ALPHA / 2)
    acc_count = accuracy(prep.mechanisms[count.alias], count_scale, ALPHA / 2)
    noisy_sum, noisy_count = pl.col(total.alias), pl.col(count.alias)
    positive = noisy_count > 0
    half_width = (acc_sum + max(abs(lo), abs(hi)) * acc_count) / noisy_count
    exprs = [
        pl.when(positive).then((noisy_sum / noisy_count).clip(lo, hi)).alias(name),
        pl.lit(prep.scales[total.alias], pl.Float64).alias(f"{name}_sum_scale"),
        pl.lit(count_scale, pl.Float64).alias(f"{name}_count_scale"),
        pl.when(positive).then(pl.min_horizontal(half_width, pl.lit(hi - lo))).alias(f"{name}_accuracy"),
    ]
    base["mechanism"] = f"{base['mechanism']} sum / {prep.mechanisms[count.alias]} count"
    record = MetricRecord(
        **base, bounds=spec.bounds, count_scale=count_scale, accuracy_column=f"{name}_accuracy"
    )  # fmt: skip
    return exprs, record
