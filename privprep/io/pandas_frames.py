"""pandas in and out: the index and every column's dtype come back as they went in.

Index levels other than a default ``RangeIndex`` become columns (named as ``reset_index`` names
them), so the policy sees them like any column; they are set back as the index on return. A
column whose Polars dtype the run did not change gets its exact pandas dtype back (nullable,
Arrow-backed, NumPy, or object for ``Decimal``/``date`` values); a changed one keeps its kind:
Arrow-backed stays Arrow-backed, nullable stays nullable, and integers with nulls stay integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import polars as pl

NULLABLE = {
    pl.Int8: "Int8", pl.Int16: "Int16", pl.Int32: "Int32", pl.Int64: "Int64", pl.UInt8: "UInt8",
    pl.UInt16: "UInt16", pl.UInt32: "UInt32", pl.UInt64: "UInt64", pl.Boolean: "boolean",
    pl.Float32: "Float32", pl.Float64: "Float64", pl.String: "string",
}  # fmt: skip


@dataclass(frozen=True)
class PandasLayout:
    """How the pandas input looked (kept in memory for the return trip; never recorded)."""

    index_columns: list[str]
    index_names: list[Any]
    range_index: pd.RangeIndex | None
    dtypes: dict[str, Any]
    polars: dict[str, pl.DataType]


def from_pandas(frame: pd.DataFrame) -> tuple[pl.DataFrame, PandasLayout]:
    """The frame as Polars (index levels as leading columns) and the layout to rebuild it."""
    default = isinstance(frame.index, pd.RangeIndex) and frame.index.names == [None]
    flat = frame if default else frame.reset_index()
    index_columns = [] if default else [str(c) for c in flat.columns[: frame.index.nlevels]]
    table = pl.from_pandas(flat)
    layout = PandasLayout(
        index_columns=index_columns,
        index_names=list(frame.index.names),
        range_index=frame.index if default else None,
        dtypes={str(c): flat[c].dtype for c in flat.columns},
        polars=dict(table.schema),
    )
    return table, layout


def to_pandas(table: pl.DataFrame, layout: PandasLayout) -> pd.DataFrame:
    """``table`` (a run's output) as pandas shaped like the input ``layout`` describes."""
    columns = {name: _column(table[name], layout) for name in table.columns}
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.height))
    kept = [c for c in layout.index_columns if c in frame.columns]
    if kept and len(kept) == len(layout.index_columns):
        frame = frame.set_index(kept)
        frame.index.names = layout.index_names
    elif layout.range_index is not None and len(layout.range_index) == table.height:
        frame.index = layout.range_index
    return frame


def _column(series: pl.Series, layout: PandasLayout) -> pd.Series:
    original = layout.dtypes.get(series.name)
    unchanged = layout.polars.get(series.name) == series.dtype
    if isinstance(original, pd.ArrowDtype):
        array = series.to_arrow()
        if unchanged:
            array = array.cast(original.pyarrow_dtype)
        return pd.Series(pd.arrays.ArrowExtensionArray(array), name=series.name)
    if unchanged and original is not None and original == object:  # noqa: E721  Decimal, date, mixed
        return pd.Series(series.to_list(), dtype=object, name=series.name)
    converted = series.to_pandas()
    nullable = NULLABLE.get(series.dtype.base_type())  # type: ignore[call-overload]
    if unchanged and original is not None and not (series.null_count() and _numpy_int_or_bool(original)):
        return converted.astype(original)
    extension = isinstance(original, pd.api.extensions.ExtensionDtype)
    if nullable and (
        extension or (series.null_count() and (series.dtype.is_integer() or series.dtype == pl.Boolean))
    ):
        return series.to_pandas().astype(nullable) if not series.null_count() else _nullable(series, nullable)
    return converted


def _nullable(series: pl.Series, dtype: str) -> pd.Series:
    """A series with nulls as a pandas nullable dtype (via Python values: NumPy has no integer null)."""
    return pd.Series(series.to_list(), dtype=dtype, name=series.name)


def _numpy_int_or_bool(dtype: Any) -> bool:
    return not isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub"
