"""Value-free column statistics (null rate, distinct count, text length) in one streaming pass."""

from __future__ import annotations

import bisect
import itertools
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
            stats["length"] = _quantiles(lengths[name])
        columns[name] = stats
    return {"rows": rows, "row_limit": max_rows, "columns": columns}


def _quantiles(histogram: pl.DataFrame) -> list[float | None]:
    """Polars' ``quantile(q, "nearest")`` for each of :data:`LENGTH_QUANTILES`, of the non-null
    values a ``(v, n)`` histogram counts (one sort; the histogram has one row per distinct length)."""
    counts = histogram.drop_nulls("v").sort("v")
    values, ends = counts["v"].to_list(), list(itertools.accumulate(counts["n"].to_list()))
    if not ends:
        return [None] * len(LENGTH_QUANTILES)
    positions = [math.floor((ends[-1] - 1) * q + 0.5) for q in LENGTH_QUANTILES]  # Rust's round()
    return [float(values[bisect.bisect_right(ends, at)]) for at in positions]
