"""``pseudonymize``: keyed HMAC-SHA256 token, identical for the same value, key and domain."""

from __future__ import annotations

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
    return token(hmac_hex(expr, key_hex), length, prefix, format)


def token(digest: pl.Expr, length: int = 32, prefix: str = "", format: str = "hex") -> pl.Expr:
    """:func:`pseudonym_expr` of a hex HMAC ``digest`` (base32 reads it many times: pass a column)."""
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
    """The first ``size`` bytes of a hex ``digest`` in unpadded lower-case base32 (RFC 4648):
    five bytes at a time as one integer, eight 5-bit characters each; a last shorter group is
    padded with zero bits to whole characters, as ``base64.b32encode`` does before its ``=``."""
    chars = []
    for start in range(0, size, 5):
        group = min(5, size - start)
        count = -(-8 * group // 5)  # characters for 8·group bits
        bits = digest.str.slice(2 * start, 2 * group).str.to_integer(base=16, dtype=pl.UInt64)
        bits = bits * (1 << (5 * count - 8 * group))
        for i in range(count):
            chars.append((bits // (1 << (5 * (count - 1 - i))) % 32).cast(pl.UInt32).cast(BASE32))
    return pl.concat_str(chars)


def pseudonym_values(values: pl.Series, key_hex: str, length: int = 32, prefix: str = "") -> pl.Series:
    """Eager form of :func:`pseudonym_expr`, for values found inside free text."""
    return values.to_frame("v").select(pseudonym_expr(pl.col("v"), key_hex, length, prefix)).to_series()


@register("pseudonymize", rule=Pseudonymize, keyed=True, dtypes=SCALAR)
def pseudonymize(expr: pl.Expr, rule: Pseudonymize, ctx: Context) -> pl.Expr:
    digest = hmac_hex(expr, ctx.column_key("pseudonymize", rule.domain))
    if rule.format == "base32":  # read once per character: computed once, in the first projection
        digest = ctx.stage(digest)
    return token(digest, rule.length, rule.prefix, rule.format)
