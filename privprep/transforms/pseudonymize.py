"""``pseudonymize``: keyed HMAC-SHA256 token, identical for the same value, key and domain."""

from __future__ import annotations

from functools import partial

import polars as pl

from privprep.policy.columns import Pseudonymize
from privprep.transforms.keyed import SCALAR, hmac_hex
from privprep.transforms.registry import Context, register


def pseudonym_expr(
    expr: pl.Expr, key_hex: str, length: int = 32, prefix: str = "", format: str = "hex"
) -> pl.Expr:
    """``prefix`` + the first ``length`` hex characters of HMAC(key, value); nulls stay null.

    ``format="binary"``: those characters' bytes; ``"base32"``: those bytes in base32 (with
    ``prefix``); ``"int64"``: the first 16 as a signed 64-bit integer.
    """
    digest = hmac_hex(expr, key_hex)
    if format == "int64":
        return digest.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64).reinterpret(signed=True)
    kept = digest.str.slice(0, length)
    if format == "binary":
        return kept.str.decode("hex")
    if format == "base32":
        kept = base32(digest, length // 2)
    return pl.concat_str([pl.lit(prefix), kept]) if prefix else kept


BASE32 = pl.Enum(list("abcdefghijklmnopqrstuvwxyz234567"))  # RFC 4648's alphabet, lower case


def base32(digest: pl.Expr, size: int) -> pl.Expr:
    """The first ``size`` bytes of a hex ``digest`` in unpadded lower-case base32 (RFC 4648)."""
    return digest.map_batches(partial(_base32_batch, size=size), return_dtype=pl.String, is_elementwise=True)


def _base32_batch(digests: pl.Series, size: int) -> pl.Series:
    """:func:`base32` of one batch: five bytes at a time as one integer column, eight 5-bit characters
    each; a last shorter group is padded with zero bits to whole characters, as ``base64.b32encode``
    does before its ``=``. Each group is parsed once per batch, then read once per character."""
    groups = [(start, min(5, size - start)) for start in range(0, size, 5)]
    counts = [-(-8 * n // 5) for _, n in groups]  # characters for 8·n bits
    parsed = digests.to_frame("d").select(
        (pl.col("d").str.slice(2 * start, 2 * n).str.to_integer(base=16, dtype=pl.UInt64)
         * (1 << (5 * count - 8 * n))).alias(str(start))
        for (start, n), count in zip(groups, counts, strict=True)
    )  # fmt: skip
    chars = [
        (pl.col(str(start)) // (1 << (5 * (count - 1 - i))) % 32).cast(pl.UInt32).cast(BASE32)
        for (start, _), count in zip(groups, counts, strict=True)
        for i in range(count)
    ]
    return parsed.select(pl.concat_str(chars)).to_series().alias(digests.name)


def pseudonym_values(values: pl.Series, key_hex: str, length: int = 32, prefix: str = "") -> pl.Series:
    """Eager form of :func:`pseudonym_expr`, for values found inside free text."""
    return values.to_frame("v").select(pseudonym_expr(pl.col("v"), key_hex, length, prefix)).to_series()


@register("pseudonymize", rule=Pseudonymize, keyed=True, dtypes=SCALAR)
def pseudonymize(expr: pl.Expr, rule: Pseudonymize, ctx: Context) -> pl.Expr:
    key_hex = ctx.column_key("pseudonymize", rule.domain)
    return pseudonym_expr(expr, key_hex, rule.length, rule.prefix, rule.format)
