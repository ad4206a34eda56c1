"""Identifier fakes that stay unique and valid: keyed format-preserving permutations (:mod:`.fpe`).

- ``postcode``: every digit and letter permuted, each position keeping its class and case.
- ``iban``: country code and layout kept, BBAN permuted (its digit/letter pattern, hence the
  country's BBAN format, kept), ISO 7064 mod-97 check digits recomputed, and the national
  check digits of Belgian, Spanish and Norwegian BBANs (:mod:`.iban_national`).
- ``credit_card``: length, separators and the first ``keep_first`` digits (the network's
  prefix) kept, the rest permuted, the Luhn check digit recomputed.
- ``ssn``: a US SSN (not 000/666/9xx area, 00 group, 0000 serial) becomes another valid SSN.

A check digit that was wrong stays wrong by the same offset (the map is a bijection on every
input, valid or not); a valid input always gives a valid fake. Values that do not fit a
kind's shape become null.
"""

from __future__ import annotations

import polars as pl

from privprep.transforms.fpe import (
    DIGIT_SLOT,
    feistel,
    fill_letters,
    fill_slots,
    join_digits,
    layout,
    permute_layout,
    split_digits,
)
from privprep.transforms.iban_national import national_payload, needs_walk, with_national_checks

SSN_AREAS, SSN_GROUPS, SSN_SERIALS = 898, 99, 9999  # 001–899 without 666; 01–99; 0001–9999


def digit_at(digits: pl.Expr, index: pl.Expr | int) -> pl.Expr:
    """The digit at ``index`` of a digit string, as an integer."""
    return digits.str.slice(index, 1).cast(pl.Int64, strict=False)


def luhn_check(frame: pl.DataFrame, digits: str, name: str) -> pl.DataFrame:
    """Adds ``name``: the Luhn check digit of the payload column ``digits``."""
    n = pl.col(digits).str.len_chars().cast(pl.Int64)
    frame = frame.with_columns(pl.lit(0, pl.Int64).alias(name))
    for i in range(int(frame[digits].str.len_chars().max() or 0)):  # i: position from the right
        d = digit_at(pl.col(digits), n - 1 - i)
        term = (2 * d - 9 * (d >= 5).cast(pl.Int64)) if i % 2 == 0 else d  # rightmost payload digit doubled
        frame = frame.with_columns(
            pl.when(i < n).then(pl.col(name) + term).otherwise(pl.col(name)).alias(name)
        )
    return frame.with_columns(((10 - pl.col(name) % 10) % 10).alias(name))


def mod97_check(frame: pl.DataFrame, code: str, name: str) -> pl.DataFrame:
    """Adds ``name``: IBAN check digits (2..98) for the column ``code`` = upper-case BBAN + country code."""
    n = pl.col(code).str.len_chars().cast(pl.Int64)
    frame = frame.with_columns(pl.lit(0, pl.Int64).alias(name))
    rest = pl.col(name)
    for j in range(int(frame[code].str.len_chars().max() or 0)):
        v = pl.col(code).str.slice(j, 1).str.to_integer(base=36, strict=False).cast(pl.Int64)
        step = pl.when(v < 10).then((rest * 10 + v) % 97).otherwise((rest * 100 + v) % 97)
        frame = frame.with_columns(pl.when(j < n).then(step).otherwise(rest).alias(name))
    return frame.with_columns((98 - (rest * 100) % 97).alias(name))  # the check digits "00" appended


def permute_postcodes(text: pl.Series, key_hex: str) -> pl.Series:
    return permute_layout(text, key_hex, "postcode")


def permute_ibans(text: pl.Series, key_hex: str) -> pl.Series:
    """``DE89 3704 0044 0532 0130 00`` → ``DE72 0226 0529 8845 0561 24`` (mod-97 valid).

    The compact upper-case BBAN is permuted, so spacing and case do not change the account's
    fake; the result is written back into the input's layout.
    """
    alnum = pl.col("tail").str.replace_all(r"[^0-9A-Za-z]", "").str.to_uppercase()
    frame = (
        text.to_frame("text")
        .with_columns(
            ok=pl.col("text").str.contains(r"^[A-Za-z]{2}[0-9]{2}"),
            country=pl.col("text").str.slice(0, 2).str.to_uppercase(),
            check=pl.col("text").str.slice(2, 2).cast(pl.Int64, strict=False),
            tail=pl.col("text").str.slice(4),
        )
        .with_columns(bban=alnum, template=layout(pl.col("tail")))
    )
    payload = frame.select(national_payload(pl.col("country"), pl.col("bban"))).to_series()
    tweak = "iban:" + frame["country"]
    permuted = permute_layout(payload, key_hex, tweak).alias("permuted")
    while (walk := needs_walk(frame.with_columns(permuted))).any():
        rows = walk.arg_true()
        permuted = permuted.scatter(rows, permute_layout(permuted.gather(rows), key_hex, tweak.gather(rows)))
    frame = frame.with_columns(permuted)
    frame = frame.with_columns(with_national_checks(frame))
    frame = frame.with_columns(
        old_code=pl.col("bban") + pl.col("country"),
        new_code=pl.col("new_bban") + pl.col("country"),
        new_digits=pl.col("new_bban").str.replace_all(r"[^0-9]", ""),
        new_letters=pl.col("new_bban").str.replace_all(r"[^A-Z]", ""),
    )
    frame = fill_letters(fill_slots(frame, "template", DIGIT_SLOT, "new_digits"), "template", "new_letters")
    frame = mod97_check(mod97_check(frame, "old_code", "old_check"), "new_code", "new_check")
    check = ((pl.col("new_check") + pl.col("check") - pl.col("old_check")) % 100).cast(pl.String).str.zfill(2)
    out = pl.concat_str([pl.col("text").str.slice(0, 2), check, pl.col("template")])
    return (
        frame.select(pl.when(pl.col("ok") & pl.col("new_bban").is_not_null()).then(out))
        .to_series()
        .alias(text.name)
    )


def digit_frame(text: pl.Series) -> pl.DataFrame:
    """Text, its digits and its layout with a slot per ASCII digit; ``ascii`` when no other digit occurs."""
    return text.to_frame("text").with_columns(
        digits=pl.col("text").str.replace_all(r"[^0-9]", ""),
        template=pl.col("text").str.replace_all(r"[0-9]", DIGIT_SLOT),
        ascii=pl.col("text").str.count_matches(r"\d") == pl.col("text").str.count_matches(r"[0-9]"),
    )


def fill_digits(frame: pl.DataFrame, ok: pl.Expr, name: str) -> pl.Series:
    """The template with the ``new`` digits written back where ``ok``; null elsewhere."""
    frame = fill_slots(frame, "template", DIGIT_SLOT, "new")
    return frame.select(pl.when(ok).then(pl.col("template"))).to_series().alias(name)


def permute_kept_prefix(
    frame: pl.DataFrame, keep: pl.Expr, tail: int, key_hex: str, kind: str, nonzero_lead: bool = False
) -> pl.DataFrame:
    """Permute digits between the first ``keep`` and the last ``tail``: adds ``head``, ``mid``, ``perm``.

    ``nonzero_lead``: the first permuted digit is never 0 and stays so (its own limb, radix 9), so
    a number's count of leading zeros survives.
    """
    n = pl.col("digits").str.len_chars().cast(pl.Int64)
    frame = frame.with_columns(keep=keep).with_columns(
        head=pl.col("digits").str.slice(0, pl.col("keep")),
        mid=pl.col("digits").str.slice(pl.col("keep"), (n - pl.col("keep") - tail).clip(lower_bound=0)),
    )
    frame = frame.with_columns(tweak=pl.concat_str([pl.lit(kind), n, pl.col("head")], separator=":"))
    lead: list[tuple[str, str]] = []
    if nonzero_lead:
        first = digit_at(pl.col("mid"), 0)
        frame = frame.with_columns(
            lead=pl.when(first > 0).then(first - 1).otherwise(0),
            mlead=pl.when(first > 0).then(9).otherwise(1),
        ).with_columns(mid=pl.when(first > 0).then(pl.col("mid").str.slice(1)).otherwise(pl.col("mid")))
        lead = [("lead", "mlead")]
    frame, limbs = split_digits(frame, "mid", "d")
    frame = feistel(frame, lead + limbs, "tweak", key_hex).with_columns(perm=join_digits("d"))
    if nonzero_lead:
        first = pl.when(pl.col("mlead") == 9).then((pl.col("lead") + 1).cast(pl.String)).otherwise(pl.lit(""))
        frame = frame.with_columns(perm=pl.concat_str([first, pl.col("perm")]))
    return frame


def permute_cards(text: pl.Series, key_hex: str, keep_first: int) -> pl.Series:
    """12–19 digit card numbers: prefix kept, middle permuted, Luhn check digit recomputed."""
    frame = digit_frame(text)
    n = pl.col("digits").str.len_chars().cast(pl.Int64)
    frame = permute_kept_prefix(frame, pl.lit(keep_first, pl.Int64), 1, key_hex, "credit_card")
    frame = frame.with_columns(old=pl.col("head") + pl.col("mid"), new=pl.col("head") + pl.col("perm"))
    frame = luhn_check(luhn_check(frame, "old", "old_check"), "new", "new_check")
    offset = digit_at(pl.col("digits"), n - 1) - pl.col("old_check")
    check = ((pl.col("new_check") + offset) % 10).cast(pl.String)
    frame = frame.with_columns(new=pl.concat_str([pl.col("new"), check]))
    return fill_digits(frame, n.is_between(12, 19) & pl.col("ascii"), text.name)


def permute_ssns(text: pl.Series, key_hex: str) -> pl.Series:
    """Valid US SSNs (``123-45-6789``, ``123456789``) to valid SSNs, layout kept; others null."""
    frame = digit_frame(text)
    d = pl.col("digits")
    area, group, serial = (
        d.str.slice(s, w).cast(pl.Int64, strict=False) for s, w in ((0, 3), (3, 2), (5, 4))
    )
    valid = (d.str.len_chars() == 9) & pl.col("ascii") & area.is_between(1, 899) & (area != 666)
    valid = valid & (group > 0) & (serial > 0)
    frame = frame.with_columns(
        ok=valid,
        a=area - 1 - (area > 666).cast(pl.Int64),
        r=(group - 1) * SSN_SERIALS + serial - 1,
        ma=pl.lit(SSN_AREAS, pl.Int64),
        mr=pl.lit(SSN_GROUPS * SSN_SERIALS, pl.Int64),
        tweak=pl.lit("ssn"),
    )
    frame = feistel(frame, [("a", "ma"), ("r", "mr")], "tweak", key_hex)
    new_area = pl.col("a") + 1 + (pl.col("a") + 1 >= 666).cast(pl.Int64)
    parts = [(new_area, 3), (pl.col("r") // SSN_SERIALS + 1, 2), (pl.col("r") % SSN_SERIALS + 1, 4)]
    frame = frame.with_columns(new=pl.concat_str([p.cast(pl.String).str.zfill(w) for p, w in parts]))
    return fill_digits(frame, pl.col("ok"), text.name)
