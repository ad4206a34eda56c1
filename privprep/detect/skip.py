"""Columns whose dtype cannot hold personal data: examined, reported, not analyzed.

A skipped column still gets a finding (no entity, score 0, ``evidence.skipped`` the reason),
so ``privprep scan`` and the audit record list it as examined. The rule, on the sampled values:

- booleans, always: two values identify no one;
- integers whose name suggests no entity and whose sampled values all have at most
  ``SMALL_DIGITS`` digits (|v| < 10,000): too short for a phone, card, account or national
  number; ages, years, counts and codes are read as personal only when the name says so;
- floats whose name suggests no entity, unless some sampled value is a whole number of
  ``LONG_DIGITS`` digits or more (a card, phone or ID number a spreadsheet exported as a float).

Numbers are never skipped when the policy defines custom recognizers (their patterns may
match any number).
"""

from __future__ import annotations

import polars as pl

from privprep.detect.sampling import ColumnSample
from privprep.detect.signals import digit_counts

SMALL_DIGITS = 4
LONG_DIGITS = 9


def skip_reason(cs: ColumnSample, named: bool, custom: bool) -> str | None:
    """Why ``cs`` needs no analysis, or ``None``; ``named``: its name suggests an entity."""
    if cs.dtype == pl.Boolean:
        return "boolean"
    if named or custom or not (cs.dtype.is_integer() or cs.dtype.is_float()):
        return None
    finite = cs.values.filter(cs.values.is_finite()) if cs.dtype.is_float() else cs.values
    digits = digit_counts(finite)
    if cs.dtype.is_integer() and (digits.max() or 0) <= SMALL_DIGITS:  # type: ignore[operator]
        return f"integers of at most {SMALL_DIGITS} digits, name suggests no entity"
    if cs.dtype.is_float() and not (digits >= LONG_DIGITS).any():
        return f"floats without whole numbers of {LONG_DIGITS}+ digits, name suggests no entity"
    return None
