"""``shift_date``: move dates by a keyed, nonzero offset, identical for every row of one entity."""

from __future__ import annotations

import polars as pl

from privprep.errors import ReasonCode, fail
from privprep.policy.columns import ShiftDate
from privprep.transforms.dates import DATES, as_date
from privprep.transforms.keyed import hex_int, hmac_hex
from privprep.transforms.registry import Context, Dtypes, register

SECONDS_PER_DAY = 86_400
DATETIMES = Dtypes(lambda dtype: isinstance(dtype, pl.Datetime), "a datetime column for granularity: second")


def _dtypes(rule: ShiftDate) -> Dtypes:
    return DATETIMES if rule.granularity == "second" else DATES


@register("shift_date", rule=ShiftDate, keyed=True, dtypes=_dtypes, reads=lambda rule: {"by": rule.by})
def shift_date(expr: pl.Expr, rule: ShiftDate, ctx: Context) -> pl.Expr:
    """Offset = a nonzero value in ±max_days (whole days, or seconds) from HMAC(key, entity).

    The entity is ``by`` or the value. Datetimes move by seconds unless ``granularity: day``,
    so a shifted timestamp does not keep its time of day (which would link it back to its row).
    """
    if rule.by is not None and rule.by not in ctx.schema:
        raise fail(
            ReasonCode.COLUMN_MISSING,
            f"columns.{ctx.column}.by names column {rule.by!r}, which the input does not have",
            column=rule.by,
        )
    date, dtype = as_date(expr, ctx), ctx.dtype
    seconds = (rule.granularity or ("second" if isinstance(dtype, pl.Datetime) else "day")) == "second"
    entity = pl.col(rule.by) if rule.by is not None else expr
    digest = hmac_hex(entity, ctx.column_key("shift_date", rule.domain))
    bound = rule.max_days * (SECONDS_PER_DAY if seconds else 1)
    draw = hex_int(digest, 0, 12) % (2 * bound)  # 2·bound nonzero offsets: -bound..-1, 1..bound
    offset = draw - bound + (draw >= bound).cast(pl.Int64)
    if isinstance(dtype, pl.Datetime) and seconds:  # in the column's own time unit: the dtype is kept
        shifted = date + pl.duration(seconds=offset, time_unit=dtype.time_unit)
    else:
        shifted = date + pl.duration(days=offset)
    return shifted if dtype != pl.String else shifted.dt.strftime("%Y-%m-%d")
