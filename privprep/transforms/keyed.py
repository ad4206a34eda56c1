"""Keyed hashing shared by every keyed operator: HMAC-SHA256 over the value's text."""

from __future__ import annotations

import polars as pl
import polars_hash as plh  # noqa: F401  (registers the ``chash`` namespace)


def as_text(expr: pl.Expr) -> pl.Expr:
    """Canonical text of a value, the input to every keyed hash."""
    return expr.cast(pl.String)


def hmac_hex(expr: pl.Expr, key_hex: str) -> pl.Expr:
    """Hex HMAC-SHA256 of the value's text (matches ``hmac.new(key_hex.encode(), text, sha256)``)."""
    return as_text(expr).chash.hmac_sha256(key=key_hex)


def hex_int(digest: pl.Expr, start: int, width: int = 8) -> pl.Expr:
    """Unsigned integer from ``width`` hex characters of a digest (``width`` ≤ 15)."""
    return digest.str.slice(start, width).str.to_integer(base=16).cast(pl.Int64)
