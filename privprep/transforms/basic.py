"""Operators without parameters worth a module each: keep, drop, redact, mask."""

from __future__ import annotations

import polars as pl

from privprep.policy.columns import Drop, Keep, Mask, Redact
from privprep.transforms.keyed import SCALAR, as_text
from privprep.transforms.registry import Context, register


@register("keep", rule=Keep)
def keep(expr: pl.Expr, rule: Keep, ctx: Context) -> pl.Expr:
    return expr


@register("drop", rule=Drop)
def drop(expr: pl.Expr, rule: Drop, ctx: Context) -> pl.Expr:
    """Never projected: the plan leaves dropped columns out of the output."""
    return expr


@register("redact", rule=Redact)
def redact(expr: pl.Expr, rule: Redact, ctx: Context) -> pl.Expr:
    """Every non-null value becomes ``rule.text``; nulls stay null."""
    return pl.when(expr.is_null()).then(pl.lit(None, pl.String)).otherwise(pl.lit(rule.text))


@register("mask", rule=Mask, dtypes=SCALAR)
def mask(expr: pl.Expr, rule: Mask, ctx: Context) -> pl.Expr:
    """Replace the middle characters with ``char``; a value too short to keep anything is masked whole.

    ``"+1 555-0142", keep_last=2`` → ``"*********42"``.
    """
    text = as_text(expr)
    length = text.str.len_chars().cast(pl.Int64)
    kept = rule.keep_first + rule.keep_last
    hidden = pl.lit("").str.pad_end(length, rule.char)
    partial = pl.concat_str(
        [
            text.str.head(rule.keep_first),
            pl.lit("").str.pad_end((length - kept).clip(lower_bound=0), rule.char),
            text.str.tail(rule.keep_last),
        ]
    )
    return pl.when(length > kept).then(partial).otherwise(hidden)
