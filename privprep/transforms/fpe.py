"""Keyed format-preserving permutations: a Feistel network over integer limbs, vectorized in Polars.

A value is cut into *limbs*, integers each with its own modulus (``10^k`` for ``k`` digits,
``26^k`` for ``k`` letters, ``2^k`` for ``k`` bits, any ``m`` for a mixed-radix field). Each round
adds an HMAC of every other limb (and a tweak that the permutation keeps, e.g. the value's
layout) to one limb, modulo its modulus. Each round is invertible whatever the HMAC gives, so
the whole network is a bijection: distinct inputs never share an output. Every round is one
whole-column Polars operation over a batch; nothing runs per row in Python.

>>> frame = pl.DataFrame({"a": [1, 2], "b": [5, 5], "ma": [10, 10], "mb": [10, 10], "t": ["x", "x"]})
>>> feistel(frame, [("a", "ma"), ("b", "mb")], "t", "k").select("a", "b").rows()  # doctest: +SKIP
"""

from __future__ import annotations

import polars as pl

from privprep.transforms.keyed import hex_int, hmac_hex

PASSES = 4  # rounds per limb: two limbs get the classic 8-round Feistel
MAX_LIMB_DIGITS, MAX_LIMB_LETTERS = 18, 12  # 10^18 and 26^12 stay below 2^60: limb + mix fits Int64
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGIT_SLOT, UPPER_SLOT, LOWER_SLOT = "\x00", "\x01", "\x02"
SLOTS = "[\x00-\x02]"  # a value holding a slot character is refused (it would be filled)
POW10 = pl.Series("pow10", [10**i for i in range(MAX_LIMB_DIGITS + 1)], pl.Int64)
POW26 = pl.Series("pow26", [26**i for i in range(MAX_LIMB_LETTERS + 1)], pl.Int64)


def feistel(frame: pl.DataFrame, limbs: list[tuple[str, str]], tweak: str, key_hex: str) -> pl.DataFrame:
    """Permute the ``(value, modulus)`` limb columns of ``frame`` under ``key_hex`` and the ``tweak`` column.

    A limb whose modulus is 1 in every row of the batch is constant (0): its rounds are skipped,
    which changes nothing since they would add 0. Round keys name the limb, so the result of a
    row never depends on the rest of its batch.
    """
    names = [value for value, _ in limbs]
    active = [(value, modulus) for value, modulus in limbs if (frame[modulus].max() or 0) > 1]
    for round_ in range(PASSES):
        for value, modulus in active:
            message = pl.concat_str([pl.col(tweak), *(pl.col(n) for n in names if n != value)], separator=":")
            mix = hex_int(hmac_hex(message, f"{key_hex}:{value}:{round_}"), 0, 15)
            frame = frame.with_columns(((pl.col(value) + mix) % pl.col(modulus)).alias(value))
    return frame


def split_digits(frame: pl.DataFrame, digits: str, prefix: str) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """Two limbs ``{prefix}0``/``{prefix}1`` (and moduli) from the digit-string column ``digits``.

    Strings longer than ``2 * MAX_LIMB_DIGITS`` give null limbs.
    """
    n = pl.col(digits).str.len_chars().cast(pl.Int64)
    n = pl.when(n <= 2 * MAX_LIMB_DIGITS).then(n)
    frame = frame.with_columns((n // 2).alias(f"{prefix}n0"), (n - n // 2).alias(f"{prefix}n1"))
    limbs = []
    for i, start in ((0, pl.lit(0)), (1, pl.col(f"{prefix}n0"))):
        width = pl.col(f"{prefix}n{i}")
        part = pl.col(digits).str.slice(start, width).cast(pl.Int64, strict=False)
        frame = frame.with_columns(
            pl.when(width > 0)
            .then(part)
            .otherwise(pl.when(width.is_not_null()).then(0))
            .alias(f"{prefix}{i}"),
            pl.lit(POW10).gather(width).alias(f"{prefix}m{i}"),
        )
        limbs.append((f"{prefix}{i}", f"{prefix}m{i}"))
    return frame, limbs


def join_digits(prefix: str) -> pl.Expr:
    """The digit string back from the (permuted) limbs of :func:`split_digits`."""
    parts = [
        pl.when(pl.col(f"{prefix}n{i}") > 0)
        .then(pl.col(f"{prefix}{i}").cast(pl.String).str.zfill(pl.col(f"{prefix}n{i}")))
        .otherwise(pl.lit(""))
        for i in range(2)
    ]
    return pl.concat_str(parts)


def split_letters(
    frame: pl.DataFrame, letters: str, prefix: str
) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """Two base-26 limbs from the upper-case letter-string column ``letters`` (A=0 ... Z=25)."""
    n = pl.col(letters).str.len_chars().cast(pl.Int64)
    n = pl.when(n <= 2 * MAX_LIMB_LETTERS).then(n)
    frame = frame.with_columns((n // 2).alias(f"{prefix}n0"), (n - n // 2).alias(f"{prefix}n1"))
    widest = int(frame[f"{prefix}n1"].max() or 0)
    limbs = []
    for i, start in ((0, pl.lit(0)), (1, pl.col(f"{prefix}n0"))):
        width, value = pl.col(f"{prefix}n{i}"), pl.col(f"{prefix}{i}")
        frame = frame.with_columns(pl.when(width.is_not_null()).then(0).alias(f"{prefix}{i}"))
        for position in range(widest):
            char = pl.col(letters).str.slice(start + position, 1)
            digit = (char.str.to_integer(base=36, strict=False) - 10).cast(pl.Int64)
            frame = frame.with_columns(pl.when(position < width).then(value * 26 + digit).otherwise(value))
        frame = frame.with_columns(pl.lit(POW26).gather(width).alias(f"{prefix}m{i}"))
        limbs.append((f"{prefix}{i}", f"{prefix}m{i}"))
    return frame, limbs


def join_letters(frame: pl.DataFrame, prefix: str) -> pl.Expr:
    """The upper-case letter string back from the (permuted) limbs of :func:`split_letters`."""
    parts = []
    widest = int(frame[f"{prefix}n1"].max() or 0)
    for i in range(2):
        width, value = pl.col(f"{prefix}n{i}"), pl.col(f"{prefix}{i}")
        chars = []
        for position in range(widest):
            weight = pl.lit(POW26).gather((width - 1 - position).clip(lower_bound=0))
            index = (value // weight) % 26
            chars.append(
                pl.when(position < width).then(pl.lit(ALPHABET).str.slice(index, 1)).otherwise(pl.lit(""))
            )
        parts.append(pl.concat_str(chars) if chars else pl.lit(""))
    return pl.concat_str(parts)


def fill_slots(frame: pl.DataFrame, template: str, slot: str, chars: str) -> pl.DataFrame:
    """Replace the ``slot`` characters of column ``template``, in order, by the characters of ``chars``."""
    count = int(frame[template].str.count_matches(slot, literal=True).max() or 0)
    for position in range(count):
        char = pl.col(chars).str.slice(position, 1)
        frame = frame.with_columns(pl.col(template).str.replace(slot, char, literal=True, n=1))
    return frame


def fill_letters(frame: pl.DataFrame, template: str, letters: str) -> pl.DataFrame:
    """:func:`fill_slots` for letters: upper-case slots get ``letters`` as is, lower-case ones lowered."""
    count = int(frame[template].str.count_matches(f"[{UPPER_SLOT}{LOWER_SLOT}]").max() or 0)
    for position in range(count):
        char = pl.col(letters).str.slice(position, 1)
        upper = pl.col(template).str.find(UPPER_SLOT, literal=True).fill_null(1 << 30)
        lower = pl.col(template).str.find(LOWER_SLOT, literal=True).fill_null(1 << 30)
        frame = frame.with_columns(
            pl.when(upper < lower)
            .then(pl.col(template).str.replace(UPPER_SLOT, char, literal=True, n=1))
            .otherwise(pl.col(template).str.replace(LOWER_SLOT, char.str.to_lowercase(), literal=True, n=1))
        )
    return frame


def layout(text: pl.Expr) -> pl.Expr:
    """``"SW1A 1aa"`` → slots for each digit, upper-case and lower-case letter; other characters kept."""
    return (
        text.str.replace_all(r"[0-9]", DIGIT_SLOT)
        .str.replace_all(r"[A-Z]", UPPER_SLOT)
        .str.replace_all(r"[a-z]", LOWER_SLOT)
    )


def permute_layout(text: pl.Series, key_hex: str, tweak: str | pl.Series) -> pl.Series:
    """Permute the ASCII digits and letters of each value, keeping every position's class and case.

    ``"SW1A 1AA"`` → ``"QX7B 4ZK"``; a bijection among values of one layout and ``tweak`` (a
    string, or a Series aligned with ``text``, e.g. the IBAN's country). Values with more
    than 36 digits or 24 letters give null.
    """
    frame = text.to_frame("text").with_columns(
        template=layout(pl.col("text")),
        digits=pl.col("text").str.replace_all(r"[^0-9]", ""),
        letters=pl.col("text").str.replace_all(r"[^A-Za-z]", "").str.to_uppercase(),
    )
    context = pl.lit(tweak) if isinstance(tweak, str) else pl.lit(tweak.alias("context"))
    frame = frame.with_columns(tweak=pl.concat_str([context, pl.col("template")], separator=":"))
    frame, digit_limbs = split_digits(frame, "digits", "d")
    frame, letter_limbs = split_letters(frame, "letters", "l")
    frame = feistel(frame, digit_limbs + letter_limbs, "tweak", key_hex)
    frame = frame.with_columns(new_digits=join_digits("d"), new_letters=join_letters(frame, "l"))
    frame = fill_letters(fill_slots(frame, "template", DIGIT_SLOT, "new_digits"), "template", "new_letters")
    ok = pl.col("d0").is_not_null() & pl.col("l0").is_not_null() & ~pl.col("text").str.contains(SLOTS)
    return frame.select(pl.when(ok).then(pl.col("template"))).to_series().alias(text.name)
