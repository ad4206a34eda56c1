"""Equivalence classes of quasi-identifier values, summarized by counts only.

A class is the set of rows sharing one combination of quasi-identifier values; a null is
a value of its own (all rows with a null zip and equal other values form one class).
Diversity is the number of distinct non-null sensitive values in a class: a null
sensitive value discloses nothing and adds no diversity. Class tables come from
streaming group-bys; only counts leave this package (keys serve suppression alone).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

SIZE = "__privprep_size"
ROWS = "__privprep_rows"
"""A pre-aggregated frame (one line per distinct row, e.g. from a Spark group-by) counts its rows here."""
DIVERSITY = "__privprep_diversity"
SIZE_EDGES = (1, 2, 3, 4, 5, 10, 20, 50, 100)
"""Class-size histogram buckets: 1, 2, 3, 4, 5-9, 10-19, 20-49, 50-99, 100+."""
DIVERSITY_EDGES = (0, 1, 2, 3, 4, 5, 10)
"""Diversity histogram buckets: 0, 1, 2, 3, 4, 5-9, 10+."""


@dataclass(frozen=True)
class Criterion:
    """One check's rule: the columns that form classes and the least a class must reach."""

    name: str  # key in the policy and the record: k_anonymity | l_diversity
    label: str  # for people: k-anonymity | l-diversity
    symbol: str  # k | l
    quasi_identifiers: tuple[str, ...]
    threshold: int
    sensitive: str | None = None
    on_fail: str = "fail"
    max_suppression: float | None = None

    @property
    def measure(self) -> str:
        return SIZE if self.sensitive is None else DIVERSITY

    @property
    def columns(self) -> list[str]:
        return [*self.quasi_identifiers, *([self.sensitive] if self.sensitive else [])]

    def violates(self) -> pl.Expr:
        return pl.col(self.measure) < self.threshold


def class_table(frame: pl.LazyFrame, qis: Sequence[str], sensitive: str | None) -> pl.LazyFrame:
    """One row per class: its key, its size and (with ``sensitive``) its diversity.

    A frame with a :data:`ROWS` column is pre-aggregated: each line counts as that many rows.
    """
    size = pl.col(ROWS).sum() if ROWS in frame.collect_schema() else pl.len()
    if sensitive is None:
        return frame.group_by(qis).agg(size.alias(SIZE))
    # Two plain group-bys stream; n_unique inside a group-by would not.
    cells = frame.group_by([*qis, sensitive]).agg(size.alias(SIZE))
    return cells.group_by(qis).agg(pl.col(SIZE).sum(), pl.col(sensitive).is_not_null().sum().alias(DIVERSITY))


def _buckets(edges: Sequence[int]) -> list[tuple[str, int, int | None]]:
    spans = [(lo, hi) for lo, hi in itertools.pairwise(edges)] + [(edges[-1], None)]
    return [
        (f"{lo}+" if hi is None else str(lo) if hi == lo + 1 else f"{lo}-{hi - 1}", lo, hi)
        for lo, hi in spans
    ]


def _histogram_exprs(column: str, edges: Sequence[int], prefix: str) -> list[pl.Expr]:
    exprs = []
    for i, (_, lo, hi) in enumerate(_buckets(edges)):
        inside = (pl.col(column) >= lo) & (pl.col(column) < hi) if hi is not None else pl.col(column) >= lo
        exprs += [
            inside.sum().alias(f"{prefix}c{i}"),
            pl.col(SIZE).filter(inside).sum().alias(f"{prefix}r{i}"),
        ]
    return exprs


def summary_exprs(criterion: Criterion) -> list[pl.Expr]:
    """Value-free statistics of a class table (see :func:`class_table`), as one row."""
    size, bad = pl.col(SIZE), criterion.violates()
    exprs = [
        size.sum().alias("rows"),
        pl.len().alias("classes"),
        size.min().alias("smallest_class"),
        (size == 1).sum().alias("unique_rows"),
        bad.sum().alias("violating_classes"),
        size.filter(bad).sum().alias("violating_rows"),
        *_histogram_exprs(SIZE, SIZE_EDGES, "s"),
    ]
    if criterion.sensitive is not None:
        exprs += [
            pl.col(DIVERSITY).min().alias("lowest_diversity"),
            *_histogram_exprs(DIVERSITY, DIVERSITY_EDGES, "d"),
        ]
    return exprs


def summarize(table: pl.DataFrame | pl.LazyFrame, criterion: Criterion) -> dict[str, Any]:
    """The JSON block of a class table: counts, shares and histograms; never a value.

    A lazy table is aggregated by the streaming engine without materializing the classes.
    """
    row = table.lazy().select(summary_exprs(criterion)).collect(engine="streaming").row(0, named=True)
    rows = row["rows"] or 0
    out: dict[str, Any] = {
        "rows": rows,
        "classes": row["classes"],
        "smallest_class": row["smallest_class"],
        "unique_share": round(row["unique_rows"] / rows, 6) if rows else 0.0,
        "below_threshold": {"classes": row["violating_classes"], "rows": row["violating_rows"] or 0},
        "class_sizes": _histogram(row, SIZE_EDGES, "s", "size"),
    }
    if criterion.sensitive is not None:
        out["lowest_diversity"] = row["lowest_diversity"]
        out["diversity"] = _histogram(row, DIVERSITY_EDGES, "d", "distinct")
    return out


def _histogram(row: dict[str, Any], edges: Sequence[int], prefix: str, label: str) -> list[dict[str, Any]]:
    return [
        {label: name, "classes": row[f"{prefix}c{i}"], "rows": row[f"{prefix}r{i}"] or 0}
        for i, (name, _, _) in enumerate(_buckets(edges))
    ]


def without_classes(table: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """``table`` minus the rows whose key columns match ``keys`` (nulls match nulls)."""
    return table.join(keys, on=keys.columns, how="anti", nulls_equal=True)


def violating_rows_without_each(frame: pl.LazyFrame, criterion: Criterion) -> dict[str, int]:
    """For each quasi-identifier: rows still in breaking classes if it were dropped (needs 2+ QIs)."""
    qis = criterion.quasi_identifiers
    if len(qis) < 2:
        return {}
    queries = [
        class_table(frame, [q for q in qis if q != qi], criterion.sensitive).select(
            pl.col(SIZE).filter(criterion.violates()).sum()
        )
        for qi in qis
    ]
    results = pl.collect_all(queries, engine="streaming")
    return {qi: int(df.item() or 0) for qi, df in zip(qis, results, strict=True)}
