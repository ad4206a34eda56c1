"""Date handling shared by date operators: strings are parsed with a fixed list of formats."""

from __future__ import annotations

import polars as pl

from privprep.transforms.registry import Context, Dtypes

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %B %Y")


def _date_like(dtype: pl.DataType) -> bool:
    return dtype in (pl.Date, pl.String) or isinstance(dtype, pl.Datetime)


DATES = Dtypes(_date_like, "a date, datetime or date string")


def as_date(expr: pl.Expr, ctx: Context) -> pl.Expr:
    """A Date/Datetime column as is; a string column (see :data:`DATES`) parsed, first matching format.

    ``07/03/1984`` is read day-first; unparseable text becomes null.
    """
    if ctx.dtype == pl.String:
        return pl.coalesce([expr.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])
    return expr
