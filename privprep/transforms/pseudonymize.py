"""``pseudonymize``: keyed HMAC-SHA256 token, identical for the same value, key and domain."""

from __future__ import annotations

import polars as pl

from privprep.policy.columns import Pseudonymize
from privprep.transforms.keyed import SCALAR, hmac_hex
from privprep.transforms.registry import Context, register


def pseudonym_expr(expr: pl.Expr, key_hex: str, length: int = 32, prefix: str = "") -> pl.Expr:
    """``prefix`` + the first ``length`` hex characters of HMAC(key, value); nulls stay null."""
    token = hmac_hex(expr, key_hex).str.slice(0, length)
    return pl.concat_str([pl.lit(prefix), token]) if prefix else token


def pseudonym_values(values: pl.Series, key_hex: str, length: int = 32, prefix: str = "") -> pl.Series:
    """Eager form of :func:`pseudonym_expr`, for values found inside free text."""
    return values.to_frame("v").select(pseudonym_expr(pl.col("v"), key_hex, length, prefix)).to_series()


@register("pseudonymize", rule=Pseudonymize, keyed=True, dtypes=SCALAR)
def pseudonymize(expr: pl.Expr, rule: Pseudonymize, ctx: Context) -> pl.Expr:
    return pseudonym_expr(expr, ctx.column_key("pseudonymize", rule.domain), rule.length, rule.prefix)
