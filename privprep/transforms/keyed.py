"""Keyed hashing shared by every keyed operator: HMAC-SHA256 over the value's text."""

from __future__ import annotations

import polars as pl
import polars_hash as plh  # noqa: F401  (registers the ``chash`` namespace)

from privprep.transforms.registry import Dtypes

_TEMPORAL_AS_TEXT = (pl.Date, pl.Time, pl.Datetime)  # Duration has no text form in Polars


def _has_text(dtype: pl.DataType) -> bool:
    """Dtypes ``cast(pl.String)`` takes without failing at run time: not Binary, Duration, Object, nested."""
    return (
        dtype in (pl.String, pl.Null, pl.Boolean, pl.Categorical)
        or dtype.is_numeric()
        or isinstance(dtype, (*_TEMPORAL_AS_TEXT, pl.Enum))
    )


SCALAR = Dtypes(
    _has_text,
    "a string, number, boolean or date column"
    " (String, Categorical, Enum, integer, float, Decimal, Boolean, Date, Datetime, Time)",
)
NOT_BOOLEAN = Dtypes(
    lambda dtype: _has_text(dtype) and dtype != pl.Boolean,
    "a string, number or date column"
    " (String, Categorical, Enum, integer, float, Decimal, Date, Datetime, Time)",
)


def as_text(expr: pl.Expr) -> pl.Expr:
    """Canonical text of a value (a :data:`SCALAR` dtype), the input to every keyed hash."""
    return expr.cast(pl.String)


def hmac_hex(expr: pl.Expr, key_hex: str) -> pl.Expr:
    """Hex HMAC-SHA256 of the value's text (matches ``hmac.new(key_hex.encode(), text, sha256)``)."""
    return as_text(expr).chash.hmac_sha256(key=key_hex)


def hex_int(digest: pl.Expr, start: int, width: int = 8) -> pl.Expr:
    """Unsigned integer from ``width`` hex characters of a digest (``width`` ≤ 15)."""
    return digest.str.slice(start, width).str.to_integer(base=16).cast(pl.Int64)
