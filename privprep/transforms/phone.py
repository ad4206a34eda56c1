"""Phone fakes: a keyed format-preserving permutation of the national number's digits.

The country calling code (after ``+`` or ``00``, read with the prefix-free code list of
:mod:`phonenumbers`), the trunk zeros after it (``+49 (0)89 ...``, national ``030 ...``) and the
first ``keep_first`` digits after those (default 1) are kept; the remaining digits are permuted
by a Feistel network (:mod:`.fpe`), a bijection for each count of digits and kept prefix, so
distinct numbers never share a fake. The new digits are written back into the input's own
layout (``+1 (555) 123-4567`` → ``+1 (583) 946-1175``). Values with fewer than 4 or more than 18
ASCII digits, or an international prefix without a known calling code, become null.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from privprep.transforms.identifiers import digit_frame, fill_digits, permute_kept_prefix

MIN_DIGITS, MAX_DIGITS = 4, 18
KEEP_FIRST = 1  # the national number's first digit: its kind (mobile, geographic) and validity survive


@lru_cache(maxsize=1)
def _codes() -> dict[int, pl.Series]:
    """The calling codes of each width (1-3 digits); phonenumbers is imported on first use only."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    codes = [str(c) for c in COUNTRY_CODE_TO_REGION_CODE]
    return {width: pl.Series([c for c in codes if len(c) == width]) for width in (1, 2, 3)}


def country_code_width(body: pl.Expr) -> pl.Expr:
    """Digits of the calling code that ``body`` (the digits after ``+``/``00``) starts with; 0 if none."""
    width, codes = pl.lit(0, pl.Int64), _codes()
    for w in (3, 2, 1):  # codes are prefix-free: at most one width matches
        width = pl.when(body.str.slice(0, w).is_in(codes[w].implode())).then(w).otherwise(width)
    return width


def permute_phones(text: pl.Series, key_hex: str, keep_first: int = KEEP_FIRST) -> pl.Series:
    """Same layout and country code, national digits permuted; nulls and non-phone values give null."""
    frame = digit_frame(text)
    digits = pl.col("digits")
    plus = pl.col("text").str.strip_chars_start().str.starts_with("+")
    via_00 = ~plus & digits.str.starts_with("00")
    frame = frame.with_columns(exit=pl.when(via_00).then(2).otherwise(0))
    body = digits.str.slice(pl.col("exit"))
    frame = frame.with_columns(cc=pl.when(plus | via_00).then(country_code_width(body)).otherwise(0))
    national = body.str.slice(pl.col("cc"))
    zeros = national.str.len_chars() - national.str.strip_chars_start("0").str.len_chars()
    keep = (pl.col("exit") + pl.col("cc") + zeros.cast(pl.Int64) + keep_first).clip(
        upper_bound=digits.str.len_chars().cast(pl.Int64)
    )
    frame = permute_kept_prefix(frame, keep, 0, key_hex, "phone", nonzero_lead=keep_first == 0)
    frame = frame.with_columns(new=pl.col("head") + pl.col("perm"))
    n = digits.str.len_chars()
    known_code = ~(plus | via_00) | (pl.col("cc") > 0)  # else the fake could read as another code
    return fill_digits(frame, n.is_between(MIN_DIGITS, MAX_DIGITS) & pl.col("ascii") & known_code, text.name)
