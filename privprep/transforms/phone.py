"""Format-preserving keyed permutation of the digits of phone numbers.

A Feistel network over the digit string (8 rounds, HMAC-SHA256 round function)
is a bijection on numbers with the same count of digits, so distinct numbers
never share a fake; the new digits are written back into the input's own format
(``+1 (555) 123-4567`` → ``+8 (203) 946-1175``). Values with fewer than 4 or more
than 18 digits are not phone numbers and become null.

Each step is a whole-column Polars operation on one batch; the frame is staged
between rounds so no expression is evaluated twice.
"""

from __future__ import annotations

import polars as pl

from privprep.transforms.keyed import hex_int, hmac_hex

MIN_DIGITS, MAX_DIGITS, ROUNDS = 4, 18, 8
_POW10 = pl.Series("pow10", [10**i for i in range(MAX_DIGITS + 1)], pl.Int64)
_SLOT = "\x00"


def permute_phones(text: pl.Series, key_hex: str) -> pl.Series:
    """Same format, permuted digits; nulls and non-phone values give null."""
    frame = text.to_frame("text").with_columns(digits=pl.col("text").str.replace_all(r"[^0-9]", ""))
    count = pl.col("digits").str.len_chars().cast(pl.Int64)
    ascii_only = pl.col("text").str.count_matches(r"\d") == count  # no other digit could pass through
    frame = frame.with_columns(n=pl.when(count.is_between(MIN_DIGITS, MAX_DIGITS) & ascii_only).then(count))
    frame = frame.with_columns(
        ok=pl.col("n").is_not_null(),
        high=pl.lit(_POW10).gather(pl.col("n") // 2),
        low=pl.lit(_POW10).gather(pl.col("n") - pl.col("n") // 2),
        value=pl.col("digits").cast(pl.Int64, strict=False),
    )
    frame = frame.with_columns(
        left=pl.col("value") // pl.col("low"), right=pl.col("value") % pl.col("low")
    )
    for i in range(ROUNDS):
        source, target, modulus = ("right", "left", "high") if i % 2 == 0 else ("left", "right", "low")
        message = pl.concat_str([pl.col("n"), pl.col(source)], separator=":")
        mix = hex_int(hmac_hex(message, f"{key_hex}:{i}"), 0, 15)
        frame = frame.with_columns(((pl.col(target) + mix) % pl.col(modulus)).alias(target))
    permuted = (pl.col("left") * pl.col("low") + pl.col("right")).cast(pl.String).str.zfill(pl.col("n"))
    frame = frame.with_columns(permuted=permuted, out=pl.col("text").str.replace_all(r"[0-9]", _SLOT))
    for position in range(MAX_DIGITS):
        digit = pl.col("permuted").str.slice(position, 1)
        frame = frame.with_columns(pl.col("out").str.replace(_SLOT, digit, literal=True, n=1))
    return frame.select(pl.when(pl.col("ok")).then(pl.col("out"))).to_series().alias(text.name)
