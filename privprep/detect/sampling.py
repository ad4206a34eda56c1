"""Bounded sampling: cost depends on ``sample``, not on the number of rows.

Rows come from ``WINDOWS`` slices spread over the table (Parquet reads only the row
groups they touch; in-memory frames slice without copying). Each column then gives at
most ``sample`` distinct non-null values in a seeded random order (so scans repeat, and any
first ``n`` of them are a fair sample: detection stops early on them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

WINDOWS = 16
ROWS_PER_VALUE = 5  # rows read per wanted distinct value
CHUNK = 100  # values analyzed per round; a column stops once its shares are settled
MARGIN = 0.05  # a share is settled once known to ±MARGIN (95 % normal interval)


@dataclass(frozen=True)
class ColumnSample:
    """One column's distinct sampled values and what the row sample says about it."""

    name: str
    dtype: pl.DataType
    values: pl.Series
    rows: int
    non_null: int
    distinct: int

    @property
    def uniqueness(self) -> float:
        """Distinct values per non-null row in the row sample (1.0: every value differs)."""
        return self.distinct / self.non_null if self.non_null else 0.0

    @property
    def null_share(self) -> float:
        return 1 - self.non_null / self.rows if self.rows else 0.0


def sample_rows(data: pl.LazyFrame, rows: int) -> pl.DataFrame:
    """About ``rows`` rows in ``WINDOWS`` evenly spread, seeded windows (all rows if fewer)."""
    total = data.select(pl.len()).collect().item()
    if total <= rows:
        return data.collect()
    width = max(1, rows // WINDOWS)
    stride = total // WINDOWS
    rng = random.Random(total)
    offsets = [i * stride + rng.randrange(max(1, stride - width)) for i in range(WINDOWS)]
    # one collect per window: collected together, Polars loses the slice push-down (5x slower)
    return pl.concat([data.slice(offset, width).collect() for offset in offsets])


def _scannable(dtype: pl.DataType) -> bool:
    return not (dtype.is_nested() or dtype in (pl.Binary, pl.Object, pl.Null))


def column_samples(frame: pl.DataFrame, sample: int) -> list[ColumnSample]:
    """Distinct non-null values (≤ ``sample``, seeded) and counts for every column."""
    out = []
    for name, dtype in frame.schema.items():
        series = frame.get_column(name)
        if isinstance(dtype, pl.Categorical | pl.Enum):
            series = series.cast(pl.String)
        values = series.drop_nulls()
        if not _scannable(dtype):
            out.append(ColumnSample(name, dtype, values.clear(), frame.height, values.len(), 0))
            continue
        distinct = values.unique().sort()
        distinct = distinct.sample(min(sample, distinct.len()), shuffle=True, seed=0)
        out.append(ColumnSample(name, dtype, distinct, frame.height, values.len(), values.n_unique()))
    return out


def settled(hits: Iterable[int], analyzed: int) -> bool:
    """Whether every share ``hits / analyzed`` is known to ±``MARGIN`` (95 %), so more values
    cannot move the column's decision by more than a weight × ``MARGIN``.

    The variance is floored at ``1 / analyzed``: a share of 0 after 100 values is settled
    (±0.02), one of 0.5 needs about 400 values, one of 0.9 about 140.
    """
    return all(
        1.96 * math.sqrt(max(p * (1 - p), 1 / analyzed) / analyzed) <= MARGIN
        for p in (n / analyzed for n in hits)
    )
