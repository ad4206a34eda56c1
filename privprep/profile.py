"""Value-free column statistics (null rate, distinct count, text length) in one streaming pass."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from privprep.dtypes import render_dtype

LENGTH_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)
PROFILE_ROWS = 500_000


def profile_frame(frame: pl.LazyFrame, max_rows: int = PROFILE_ROWS) -> dict[str, Any]:
    """``{"rows": n, "row_limit": max_rows, "columns": {name: {dtype, null_rate, distinct, length}}}``.

    Statistics cover at most the first ``max_rows`` rows, so the cost does not grow
    with the table; input and output are profiled over the same leading rows.
    Distinct counts are HyperLogLog estimates; lengths are quantiles of character
    counts for text columns, read off per-column length histograms
    (group-bys stream, ``quantile`` does not). No value is returned.
    """
    frame = frame.head(max_rows)
    schema = frame.collect_schema()
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    for i, (name, dtype) in enumerate(schema.items()):
        col = pl.col(name)
        hashable = col.hash() if dtype.is_nested() else col  # approx_n_unique rejects lists and structs
        exprs += [col.null_count().alias(f"n{i}"), hashable.approx_n_unique().alias(f"d{i}")]
    texts = [name for name, dtype in schema.items() if dtype == pl.String]
    by_length = [frame.group_by(pl.col(t).str.len_chars().alias("v")).agg(pl.len().alias("n")) for t in texts]
    main, *counts = pl.collect_all([frame.select(exprs), *by_length], engine="streaming")
    row, lengths = main.row(0, named=True), dict(zip(texts, counts, strict=True))
    rows = row["__rows"]
    columns = {}
    for i, (name, dtype) in enumerate(schema.items()):
        stats: dict[str, Any] = {
            "dtype": render_dtype(dtype),
            "null_rate": round(row[f"n{i}"] / rows, 4) if rows else 0.0,
            "nulls": row[f"n{i}"],
            "distinct": row[f"d{i}"],
        }
        if name in lengths:
            stats["length"] = [_nearest(lengths[name], q) for q in LENGTH_QUANTILES]
        columns[name] = stats
    return {"rows": rows, "row_limit": max_rows, "columns": columns}


def _nearest(histogram: pl.DataFrame, q: float) -> float | None:
    """Polars' ``quantile(q, "nearest")`` of the non-null values a ``(v, n)`` histogram counts."""
    counts = histogram.drop_nulls("v").sort("v")
    total = counts["n"].sum()
    if not total:
        return None
    target = math.floor((total - 1) * q + 0.5)  # Rust's round(): half away from zero
    position = counts["n"].cum_sum().search_sorted(target, side="right")
    return float(counts["v"][position])
