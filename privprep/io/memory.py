"""In-memory inputs: Polars, pandas, pyarrow and DuckDB tables. Their libraries load only when given."""

from __future__ import annotations

import sys
from typing import Any

import polars as pl

from privprep.errors import ReasonCode, fail
from privprep.io.source import Source

ACCEPTED = (
    "a path, polars.DataFrame, polars.LazyFrame, pandas.DataFrame, pyarrow.Table,"
    " pyarrow.dataset.Dataset or duckdb relation"
)


def _is(data: Any, module: str, name: str) -> bool:
    """``isinstance(data, module.name)`` without importing ``module`` (an object of it means it is loaded)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(data, getattr(loaded, name))


def open_frame(data: Any) -> Source:
    """Wrap an in-memory table as a lazy frame (pyarrow datasets and DuckDB relations stay lazy)."""
    layout = None
    if _is(data, "pandas", "DataFrame"):
        from privprep.io.pandas_frames import from_pandas

        data, layout = from_pandas(data)
    elif _is(data, "pyarrow", "Table") or _is(data, "pyarrow", "RecordBatch"):
        data = pl.from_arrow(data)
    elif _is(data, "pyarrow.dataset", "Dataset"):
        data = pl.scan_pyarrow_dataset(data)
    elif _is(data, "duckdb", "DuckDBPyRelation"):
        data = data.pl(lazy=True)
    if isinstance(data, pl.DataFrame):
        return Source(data.lazy(), data.schema, None, data.height, None, pandas=layout)
    if isinstance(data, pl.LazyFrame):
        return Source(data, data.collect_schema(), None, None, None)
    raise fail(
        ReasonCode.INPUT_INVALID, f"cannot read an input of type {type(data).__name__}; pass {ACCEPTED}"
    )
