"""Global steps as two phases: Spark aggregates, the driver decides with the single-machine code.

- detection: a Spark sample of the unlisted columns, classified on the driver (same classifier);
- table-aware scrubbing: the distinct values of the source columns, collected once;
- k-anonymity / l-diversity: class counts by a Spark group-by, decided by :func:`run_checks`
  on those counts; the classes to suppress are broadcast and anti-joined per batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from privprep.checks.classes import ROWS
from privprep.checks.gate import criteria
from privprep.io.source import Source

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def to_polars(df: DataFrame, schema: pl.Schema | None = None) -> pl.DataFrame:
    """Collect a (small) Spark frame to the driver through Arrow, cast to ``schema`` where given."""
    frame = pl.from_arrow(df.toArrow())
    assert isinstance(frame, pl.DataFrame)
    if schema is not None:
        frame = frame.cast({n: schema[n] for n in frame.columns if n in schema})
    return frame


def sample_source(df: DataFrame, schema: pl.Schema, rows: int, sample: int) -> Source:
    """A random sample of about ``2 × sample`` rows as a Polars source, for detection to draw from."""
    fraction = min(1.0, 2 * sample / rows) if rows else 1.0
    picked = df.sample(fraction=fraction, seed=0) if fraction < 1.0 else df
    frame = to_polars(picked.limit(2 * sample), schema)
    return Source(frame.lazy(), schema, None, frame.height, None)


def distinct_values(df: DataFrame, schema: pl.Schema, names: list[str]) -> pl.LazyFrame:
    """Each column's distinct non-null values, as one frame padded with nulls (what collect_terms reads)."""
    found = {n: to_polars(df.select(n).where(df[n].isNotNull()).distinct(), schema)[n] for n in names}
    height = max((s.len() for s in found.values()), default=0)
    return pl.DataFrame([s.extend_constant(None, height - s.len()) for s in found.values()]).lazy()


def check_columns(spec: Any) -> list[str]:
    """Every column some check groups by (quasi-identifiers and sensitive columns), in a fixed order."""
    return list(dict.fromkeys(col for c in criteria(spec) for col in c.columns))


def cells(df: DataFrame, columns: list[str], schema: pl.Schema) -> pl.LazyFrame:
    """One line per distinct combination of ``columns`` with its row count (:data:`ROWS`)."""
    counted = df.groupBy(*columns).count().withColumnRenamed("count", ROWS)
    return to_polars(counted, schema).lazy()
