"""Dtype names safe to print: never a category, a field value or anything read from data."""

from __future__ import annotations

import polars as pl


def render_dtype(dtype: pl.DataType | type[pl.DataType]) -> str:
    """``Enum(3 categories)``, ``List(String)``, ``Struct(2 fields)``, ``Datetime(us, UTC)``; never data.

    ``str(pl.Enum([...]))`` lists every category, so every dtype that reaches a message, the
    audit log, a report or ``scan --json`` goes through here. Struct field names are schema,
    but they are left out too: a struct built from data (``pl.struct`` of unpivoted values)
    can carry values as names.

    >>> render_dtype(pl.Enum(["secret-a", "secret-b"]))
    'Enum(2 categories)'
    >>> render_dtype(pl.List(pl.Struct({"email": pl.String})))
    'List(Struct(1 fields))'
    """
    if isinstance(dtype, pl.Enum):
        return f"Enum({len(dtype.categories)} categories)"
    if isinstance(dtype, pl.Categorical) or dtype == pl.Categorical:
        return "Categorical"
    if isinstance(dtype, pl.List | pl.Array):
        inner = render_dtype(dtype.inner)
        return f"List({inner})" if isinstance(dtype, pl.List) else f"Array({inner}, {dtype.size})"
    if isinstance(dtype, pl.Struct):
        return f"Struct({len(dtype.fields)} fields)"
    if isinstance(dtype, pl.Datetime):
        zone = f", {dtype.time_zone}" if dtype.time_zone else ""
        return f"Datetime({dtype.time_unit}{zone})"
    return str(dtype)


def render_schema(schema: pl.Schema | dict[str, pl.DataType]) -> dict[str, str]:
    """``{column: render_dtype(dtype)}``: the schema as the audit record holds it."""
    return {name: render_dtype(dtype) for name, dtype in schema.items()}
