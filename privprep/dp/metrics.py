"""Policy metrics → OpenDP Polars expressions and the noisy parts they are made of.

``count`` is ``dp.len()``; ``sum`` is ``.dp.sum(bounds)``, on Int64 whenever the column is an
integer and the bounds are whole numbers (float sums pay a rounding allowance); ``mean`` is a
noisy sum over a noisy non-null count (the same two mechanisms ``.dp.mean`` uses, released
separately so the mean's accuracy can be stated per group); ``quantile`` is ``.dp.quantile``.
"""

from __future__ import annotations

from dataclasses import dataclass

import opendp.prelude as dp
import polars as pl

from privprep.dp.theory import Part, alpha_fraction
from privprep.dtypes import render_dtype
from privprep.errors import ReasonCode, fail
from privprep.policy.aggregates import U32_MAX, Count, Mean, Quantile, Release, Sum

Metric = Count | Sum | Mean | Quantile


@dataclass(frozen=True)
class MetricPlan:
    """A metric's output name, its OpenDP expressions and their noisy parts."""

    spec: Metric
    name: str
    integer: bool
    exprs: list[pl.Expr]
    parts: list[Part]
    den: int | None = None


def output_name(metric: Metric) -> str:
    """``count``, ``salary_sum``, ``age_mean``, ``wait_median``, ``wait_p90``."""
    if isinstance(metric, Count):
        return "count"
    if isinstance(metric, Quantile):
        suffix = "median" if metric.alpha == 0.5 else f"p{metric.alpha * 100:g}".replace(".", "_")
        return f"{metric.column}_{suffix}"
    return f"{metric.column}_{metric.kind}"


def _whole(values: list[float] | tuple[float, ...]) -> bool:
    return all(float(v).is_integer() for v in values)


def _numeric(where: str, metric: Metric, schema: pl.Schema) -> bool:
    """Check the metric's column; True when it is an integer column."""
    assert not isinstance(metric, Count)
    column = metric.column
    if column not in schema:
        raise fail(
            ReasonCode.COLUMN_MISSING,
            f"{where}: column {column!r} is not in the input; columns: {', '.join(schema.names())}",
        )
    dtype = schema[column]
    if not (dtype.is_integer() or dtype.is_float()):
        raise fail(
            ReasonCode.TYPE_MISMATCH,
            f"{where}: {metric.kind} needs an integer or float column; {column!r} is {render_dtype(dtype)}",
        )
    return dtype.is_integer()


def plan_metric(where: str, metric: Metric, schema: pl.Schema, k: int, max_group_rows: int) -> MetricPlan:
    """Expressions and parts of one metric; ``k`` bounds each unit's rows (sensitivity)."""
    name = output_name(metric)
    if isinstance(metric, Count):
        part = Part(name, name, "value", selection=False, sensitivity=k, exact=True)
        return MetricPlan(metric, name, True, [dp.len(signed=True).alias(name)], [part])
    int_column = _numeric(where, metric, schema)
    if isinstance(metric, Quantile):
        integer = int_column and _whole(metric.candidates)
        cands: list[float] | list[int] = [int(c) for c in metric.candidates] if integer else metric.candidates
        col = pl.col(metric.column).cast(pl.Int64 if integer else pl.Float64)
        num, den = alpha_fraction(metric.alpha, max_group_rows)
        part = Part(name, name, "value", selection=True, sensitivity=k * max(num, den - num), exact=True)
        expr = col.dp.quantile(metric.alpha, cands).alias(name)
        return MetricPlan(metric, name, integer, [expr], [part], den)
    integer = int_column and _whole(metric.bounds)
    lo, hi = (int(b) for b in metric.bounds) if integer else metric.bounds
    col = pl.col(metric.column).cast(pl.Int64 if integer else pl.Float64)
    sum_part = Part(
        name if isinstance(metric, Sum) else f"{name}__sum",
        name,
        "value" if isinstance(metric, Sum) else "sum",
        selection=False,
        sensitivity=k * max(abs(lo), abs(hi)),
        exact=integer,
    )
    exprs = [col.dp.sum((lo, hi)).alias(sum_part.alias)]
    parts = [sum_part]
    if isinstance(metric, Mean):
        count = Part(f"{name}__count", name, "count", selection=False, sensitivity=k, exact=True)
        exprs.append(pl.col(metric.column).dp.count(signed=True).alias(count.alias))
        parts.append(count)
    return MetricPlan(metric, name, integer, exprs, parts)


def plan_metrics(
    where: str, release: Release, schema: pl.Schema, k: int, max_group_rows: int | None
) -> list[MetricPlan]:
    """Plan every metric of a release; names must be unique and distinct from the group keys."""
    plans = [
        plan_metric(f"{where}.metrics[{i}]", m, schema, k, max_group_rows or U32_MAX)
        for i, m in enumerate(release.metrics)
    ]
    names = [p.name for p in plans] + release.group_by
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise fail(ReasonCode.DP_INVALID, f"{where}: output columns collide: {', '.join(clash)}")
    floats = [p.name for p in plans if not p.integer and not isinstance(p.spec, Quantile)]
    if floats and max_group_rows is None:
        raise fail(
            ReasonCode.DP_INVALID,
            f"{where}: {', '.join(floats)} sum floats, which needs aggregates.max_group_rows (a public"
            " upper bound on rows per group: OpenDP's float-rounding allowance grows with it);"
            " or use an integer column with whole-number bounds",
        )
    return plans
