"""``shift_date``: move dates by a keyed offset in ±max_days, identical for every row of one entity."""

from __future__ import annotations

import polars as pl

from privprep.errors import ReasonCode, fail
from privprep.policy.columns import ShiftDate
from privprep.transforms.dates import DATES, as_date
from privprep.transforms.keyed import hex_int, hmac_hex
from privprep.transforms.registry import Context, register


@register("shift_date", rule=ShiftDate, keyed=True, dtypes=DATES, reads=lambda rule: {"by": rule.by})
def shift_date(expr: pl.Expr, rule: ShiftDate, ctx: Context) -> pl.Expr:
    """Offset = HMAC(key, entity) mod (2·max_days+1) − max_days days; entity is ``by`` or the value."""
    if rule.by is not None and rule.by not in ctx.schema:
        raise fail(
            ReasonCode.COLUMN_MISSING,
            f"columns.{ctx.column}.by names column {rule.by!r}, which the input does not have",
            column=rule.by,
        )
    entity = pl.col(rule.by) if rule.by is not None else expr
    digest = hmac_hex(entity, ctx.column_key("shift_date", rule.domain))
    span = 2 * rule.max_days + 1
    offset = hex_int(digest, 0, 12) % span - rule.max_days
    date = as_date(expr, ctx)
    shifted = date + pl.duration(days=offset)
    return shifted if ctx.dtype != pl.String else shifted.dt.strftime("%Y-%m-%d")
