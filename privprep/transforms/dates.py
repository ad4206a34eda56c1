"""Date handling shared by date operators: strings are parsed with a fixed list of formats."""

from __future__ import annotations

import polars as pl

from privprep.transforms.registry import Context

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %B %Y")


def as_date(expr: pl.Expr, ctx: Context) -> pl.Expr:
    """A Date/Datetime column as is; a string column parsed (first matching format; else null).

    ``07/03/1984`` is read day-first; unparseable text becomes null.
    """
    if ctx.dtype in (pl.Date,) or isinstance(ctx.dtype, pl.Datetime):
        return expr
    if ctx.dtype == pl.String:
        return pl.coalesce([expr.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])
    raise ctx.type_error("a date, datetime or date string")
