"""Spark and Polars schemas, through Arrow: what a plan compiles against and what Spark gets back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from privprep.dtypes import render_dtype
from privprep.errors import PrivprepError, Problem, ReasonCode

if TYPE_CHECKING:
    from pyspark.sql.types import StructType

TIME_ZONE = "UTC"


def polars_schema(schema: StructType) -> pl.Schema:
    """The Polars schema of the Arrow batches Spark hands to ``mapInArrow`` for ``schema``."""
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow = to_arrow_schema(schema, timezone=TIME_ZONE)
    return pl.from_arrow(arrow.empty_table()).schema  # type: ignore[union-attr]


def spark_schema(schema: pl.Schema) -> StructType:
    """The Spark schema of a Polars one; refuses dtypes Spark cannot hold, naming each column."""
    from pyspark.sql.pandas.types import from_arrow_schema

    arrow = pl.DataFrame(schema=schema).to_arrow().schema
    problems = []
    for name, dtype in schema.items():
        try:
            from_arrow_schema(pa.schema([arrow.field(name)]))
        except Exception:  # Spark's message names the Arrow type only; say which column it is
            problems.append(Problem(
                f"column {name}", f"the output dtype {render_dtype(dtype)} has no Spark type",
                code=ReasonCode.TYPE_MISMATCH,
            ))  # fmt: skip
    if problems:
        raise PrivprepError(ReasonCode.TYPE_MISMATCH, "the output cannot be a Spark DataFrame", problems)
    return from_arrow_schema(arrow)


def arrow_schema(schema: StructType) -> pa.Schema:
    """The exact Arrow schema ``mapInArrow`` expects back for a Spark schema."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema, timezone=TIME_ZONE)
