"""Value-free column statistics (null rate, distinct count, text length) in one streaming pass."""

from __future__ import annotations

from typing import Any

import polars as pl

LENGTH_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


def profile_frame(frame: pl.LazyFrame) -> dict[str, Any]:
    """``{"rows": n, "columns": {name: {dtype, null_rate, distinct, length: [q0..q4]}}}``.

    Distinct counts are HyperLogLog estimates; lengths are quantiles of character
    counts for text columns. No value of the data is returned.
    """
    schema = frame.collect_schema()
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    for i, (name, dtype) in enumerate(schema.items()):
        col = pl.col(name)
        exprs += [col.null_count().alias(f"n{i}"), col.approx_n_unique().alias(f"d{i}")]
        if dtype == pl.String:
            lengths = col.str.len_chars()
            exprs += [lengths.quantile(q).alias(f"l{i}_{j}") for j, q in enumerate(LENGTH_QUANTILES)]
    row = frame.select(exprs).collect(engine="streaming").row(0, named=True)
    rows = row["__rows"]
    columns = {}
    for i, (name, dtype) in enumerate(schema.items()):
        stats: dict[str, Any] = {
            "dtype": str(dtype),
            "null_rate": round(row[f"n{i}"] / rows, 4) if rows else 0.0,
            "distinct": row[f"d{i}"],
        }
        if dtype == pl.String:
            stats["length"] = [row[f"l{i}_{j}"] for j in range(len(LENGTH_QUANTILES))]
        columns[name] = stats
    return {"rows": rows, "columns": columns}
