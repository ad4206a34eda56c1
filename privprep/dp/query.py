"""Build one release's OpenDP measurement from the policy and the input schema; no data is touched.

The plan is plain Polars handed to OpenDP: optional per-identifier truncation, ``group_by().agg``
of the DP expressions, and a left join from the public keys. The global noise scale comes from
:mod:`privprep.dp.theory`; OpenDP's own privacy map must confirm it spends at most the release's
ε (and δ), and OpenDP's reported scales must equal the theory's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import opendp.prelude as dp
import polars as pl
from opendp.mod import OpenDPException

from privprep.dp.metrics import MetricPlan, plan_metrics
from privprep.dp.records import CONFIDENCE
from privprep.dp.theory import check_scales, global_scale
from privprep.dtypes import render_dtype
from privprep.errors import ReasonCode, fail
from privprep.policy.aggregates import U32_MAX, AggregatesSpec, Count, Release

WARN_EPSILON = 5.0
SLACK = 1e-10
_WIDEN = {
    pl.Int8: pl.Int64,
    pl.Int16: pl.Int64,
    pl.UInt8: pl.Int64,
    pl.UInt16: pl.Int64,
    pl.Float32: pl.Float64,
}
_KEY_TYPES = (pl.String, pl.Boolean, pl.Categorical, pl.Enum, pl.Date, pl.Datetime, pl.Time)


@dataclass(frozen=True)
class PreparedRelease:
    """A resolved release: its measurement, stated scales and reserved cost."""

    release: Release
    where: str
    data: pl.LazyFrame
    context: Any
    measurement: Any
    metrics: list[MetricPlan]
    scales: dict[str, float]
    mechanisms: dict[str, str]
    epsilon: float
    delta: float
    rows_per_unit: int
    keys: Literal["none", "public", "discovered"]
    threshold: int | None = None
    warnings: list[str] = field(default_factory=list)


def _select(where: str, lf: pl.LazyFrame, schema: pl.Schema, columns: list[str]) -> pl.LazyFrame:
    """Only the columns the release reads, widened to dtypes OpenDP's Polars layer accepts."""
    exprs = []
    for name in dict.fromkeys(columns):
        if name not in schema:
            raise fail(
                ReasonCode.COLUMN_MISSING,
                f"{where}: column {name!r} is not in the input; columns: {', '.join(schema.names())}",
            )
        dtype = schema[name]
        if not (dtype.is_integer() or dtype.is_float() or isinstance(dtype, _KEY_TYPES)):
            raise fail(
                ReasonCode.TYPE_MISMATCH,
                f"{where}: column {name!r} is {render_dtype(dtype)}; DP releases read numbers, strings,"
                " booleans, categoricals, dates and times",
            )
        exprs.append(pl.col(name).cast(_WIDEN[dtype]) if dtype in _WIDEN else pl.col(name))
    return lf.select(exprs)


def _fits(given: pl.DataType, column: pl.DataType) -> bool:
    """Whether YAML key values of dtype ``given`` belong in a column of dtype ``column``."""
    if given == pl.Null or given.base_type() == column.base_type():
        return True
    if given.is_integer():
        return column.is_numeric()
    return given == pl.String and isinstance(column, pl.Categorical | pl.Enum)


def _keys(where: str, release: Release, schema: pl.Schema) -> pl.DataFrame:
    rows = [k if isinstance(k, list) else [k] for k in release.keys or []]
    types = {c: schema[c] for c in release.group_by}
    try:
        given = pl.DataFrame(rows, schema=list(types), orient="row")
        if not all(_fits(given.schema[c], t) for c, t in types.items()):
            raise TypeError
        keys = given.cast(types)  # type: ignore[arg-type]
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        described = ", ".join(f"{c}: {render_dtype(t)}" for c, t in types.items())
        raise fail(
            ReasonCode.TYPE_MISMATCH, f"{where}.keys do not fit the group_by dtypes ({described})"
        ) from None
    if keys.is_duplicated().any():
        raise fail(ReasonCode.DP_INVALID, f"{where}.keys contain duplicates")
    return keys


def prepare_release(spec: AggregatesSpec, index: int, lf: pl.LazyFrame, schema: pl.Schema) -> PreparedRelease:
    """Validate one release against the schema and resolve its measurement."""
    release = spec.releases[index]
    where = f"aggregates.releases[{index}] ({release.name})"
    unit = spec.privacy_unit
    k = unit.max_rows if unit.column is not None else unit.rows
    assert k is not None
    metrics = plan_metrics(where, release, schema, k, spec.max_group_rows)
    used = [m.spec.column for m in metrics if not isinstance(m.spec, Count)]
    overlap = sorted(set(used) & {*release.group_by, unit.column})
    if overlap:
        raise fail(
            ReasonCode.DP_INVALID, f"{where}: {', '.join(overlap)} cannot be both aggregated and a key"
        )
    data = _select(where, lf, schema, [*release.group_by, *([unit.column] if unit.column else []), *used])
    mode: Literal["none", "public", "discovered"] = (
        "none" if not release.group_by else "public" if release.keys is not None else "discovered"
    )
    warnings = _warnings(where, release, mode)
    if mode == "discovered" and (release.delta == 0 or not any(isinstance(m.spec, Count) for m in metrics)):
        raise fail(
            ReasonCode.DP_INVALID,
            f"{where}: without public keys, group keys are discovered under DP by thresholding the noisy"
            " count: list the keys, or set delta > 0 and include `count` in metrics",
        )
    plan = pl.LazyFrame(schema=data.collect_schema())
    if unit.column is not None:
        # the first k rows of each identifier, in input order: OpenDP reads the same per-identifier bound
        # as with a shuffled rank (scales unchanged, tests/dp/test_dp_truncation.py) at about 2/3 of its cost
        plan = plan.filter(pl.int_range(pl.len()).over(unit.column) < k)
    exprs = [e for m in metrics for e in m.exprs]
    plan = plan.group_by(release.group_by).agg(exprs) if release.group_by else plan.select(exprs)
    if mode == "public":
        keys = _keys(where, release, data.collect_schema())
        plan = keys.lazy().join(plan, how="left", on=release.group_by, nulls_equal=True)
    l0 = 1 if mode == "none" else min(k, len(release.keys or [])) if mode == "public" else k
    delta = release.delta if mode == "discovered" else 0.0
    try:
        context = dp.Context.compositor(
            data=data,
            privacy_unit=dp.unit_of(contributions=1, identifier=unit.column)
            if unit.column
            else dp.unit_of(contributions=k),
            privacy_loss=_loss(release.epsilon, delta),
            split_evenly_over=1,
            margins=[dp.polars.Margin(by=release.group_by, max_length=spec.max_group_rows or U32_MAX)],
        )
        measurement, threshold, c, c0 = _resolve(context, plan, metrics, release.epsilon, delta, k, l0)
        summary = dp.summarize_polars_measurement(measurement, 1 - CONFIDENCE)
    except OpenDPException as exc:
        raise fail(ReasonCode.DP_INVALID, f"{where}: OpenDP rejects this release: {exc.message}") from None
    scales = dict(zip(summary["column"], summary["scale"], strict=True))
    check_scales([p for m in metrics for p in m.parts], scales, c, c0, where)
    return PreparedRelease(
        release, where, data, context, measurement, metrics, scales,
        dict(zip(summary["column"], summary["distribution"], strict=True)),
        release.epsilon, delta, k, mode, threshold, warnings,
    )  # fmt: skip


def _loss(epsilon: float, delta: float) -> tuple[Any, Any]:
    """Pure ε-DP, or (ε, δ)-DP when keys are discovered (``dp.loss_of`` without its log messages)."""
    if delta:
        return dp.approximate(dp.max_divergence()), (epsilon, delta)
    return dp.max_divergence(), epsilon


def _warnings(where: str, release: Release, mode: str) -> list[str]:
    out = []
    if release.epsilon > WARN_EPSILON:
        out.append(
            f"{where}: ε={release.epsilon:g} is above {WARN_EPSILON:g}; individuals are weakly protected"
        )
    if release.delta > 0 and mode != "discovered":
        out.append(f"{where}: delta is only used to discover keys; nothing is reserved for it here")
    return out


def _resolve(
    context: Any, plan: pl.LazyFrame, metrics: list[MetricPlan], epsilon: float, delta: float, k: int, l0: int
) -> tuple[Any, int | None, float, float]:
    """Measurement at the theory's global scale, nudged up only if OpenDP's privacy map asks for it.

    OpenDP's ``global_scale`` multiplies each statistic's sensitivity to one row; the theory's
    ``c`` multiplies its sensitivity to one privacy unit (``k`` rows), hence ``global_scale = c·k``.
    The measurement spends at most ``ε·(1 - SLACK)`` (and δ likewise), so even the float nearest a
    policy's decimal never exceeds that decimal (the ledger accounts in decimals).
    """
    acc = context.accountant
    d_in = context.d_in

    def make(c: float, threshold: int | None) -> Any:
        return dp.m.make_private_lazyframe(
            acc.input_domain,
            acc.input_metric,
            acc.output_measure,
            plan,
            global_scale=c * k,
            threshold=threshold,
        )

    def eps_of(m: Any) -> float:
        loss = m.map(d_in)
        return loss[0] if delta else loss

    c0 = global_scale([p for m in metrics for p in m.parts], epsilon, l0)
    c, target = c0 / (1 - 2 * SLACK), epsilon * (1 - SLACK)
    for _ in range(8):
        spent = eps_of(make(c, U32_MAX if delta else None))
        if spent <= target:
            break
        c *= spent / target * (1 + SLACK)
    else:
        raise fail(ReasonCode.INTERNAL, "OpenDP's privacy map did not converge to the release's ε")
    threshold = None
    if delta:
        threshold = dp.binary_search(lambda t: make(c, t).map(d_in)[1] <= delta * (1 - SLACK), T=int)
    measurement = make(c, threshold)
    if not measurement.check(d_in, (epsilon, delta) if delta else epsilon):
        raise fail(ReasonCode.INTERNAL, "OpenDP's privacy map exceeds the release's budget")
    return measurement, threshold, c, c0
