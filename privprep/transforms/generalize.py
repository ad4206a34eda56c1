"""``generalize``: coarsen dates (year/month/decade), strings (prefix) and numbers (bins, rounding)."""

from __future__ import annotations

import itertools

import polars as pl

from privprep.policy.columns import Generalize
from privprep.transforms.dates import DATES, as_date
from privprep.transforms.registry import Context, Dtypes, register

PREFIXABLE = Dtypes(lambda dtype: dtype == pl.String or dtype.is_integer(), "a string or integer column")
NUMERIC = Dtypes(lambda dtype: dtype.is_numeric(), "a numeric column")


def _dtypes(rule: Generalize) -> Dtypes:
    """Each method takes its own dtypes: ``to`` dates, ``keep_prefix`` text, ``bins``/``round_to`` numbers."""
    if rule.to is not None:
        return DATES
    return PREFIXABLE if rule.keep_prefix is not None else NUMERIC


@register("generalize", rule=Generalize, dtypes=_dtypes)
def generalize(expr: pl.Expr, rule: Generalize, ctx: Context) -> pl.Expr:
    if rule.to is not None:
        return _date_to(as_date(expr, ctx), rule.to)
    if rule.keep_prefix is not None:
        return expr.cast(pl.String).str.head(rule.keep_prefix)
    if rule.bins is not None:
        return _bin_labels(expr, rule.bins)
    return _round_down(expr, rule, ctx)


def _date_to(date: pl.Expr, to: str) -> pl.Expr:
    """year → Int32 1984; decade → Int32 1980; month → String ``1984-03``."""
    if to == "year":
        return date.dt.year()
    if to == "decade":
        return (date.dt.year() // 10 * 10).cast(pl.Int32)
    return date.dt.strftime("%Y-%m")


def _fmt(edge: float) -> str:
    return str(int(edge)) if float(edge).is_integer() else str(edge)


def bin_labels(bins: list[float]) -> list[str]:
    """Half-open interval labels: ``<0``, ``[0, 18)``, ..., ``>=65``."""
    labels = [f"<{_fmt(bins[0])}"]
    labels += [f"[{_fmt(lo)}, {_fmt(hi)})" for lo, hi in itertools.pairwise(bins)]
    labels.append(f">={_fmt(bins[-1])}")
    return labels


def _bin_labels(expr: pl.Expr, bins: list[float]) -> pl.Expr:
    return expr.cut(bins, labels=bin_labels(bins), left_closed=True).cast(pl.String)


def _round_down(expr: pl.Expr, rule: Generalize, ctx: Context) -> pl.Expr:
    """Floor to a multiple of ``round_to``, then top/bottom-code; integer and Decimal columns keep dtype."""
    step = rule.round_to or 1
    rounded = (expr / step).floor() * step
    if rule.top is not None or rule.bottom is not None:
        rounded = rounded.clip(lower_bound=rule.bottom, upper_bound=rule.top)
    keeps_dtype = ctx.dtype.is_integer() or isinstance(ctx.dtype, pl.Decimal)
    return rounded.cast(ctx.dtype) if keeps_dtype else rounded
