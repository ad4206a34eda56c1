"""National check digits inside a BBAN, kept valid by the IBAN fake (Belgium, Spain, Norway).

The check positions are taken out before the BBAN is permuted and recomputed after, each
with the input's offset (a wrong national check stays wrong by as much: the map stays a
bijection). ``national_payload`` gives what to permute; ``with_national_checks`` puts it back (both on
a frame of ``country``, ``bban`` and ``permuted`` columns).
A Norwegian account number has no valid check digit for 1 payload in 11: the permutation is
cycle-walked (applied again while :func:`needs_walk`), a bijection on each of the two classes.
"""

from __future__ import annotations

import polars as pl

ES_WEIGHTS = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
NO_WEIGHTS = (6, 7, 8, 9, 4, 5, 6, 7, 8, 9)


def _kind(country: pl.Expr, bban: pl.Expr) -> pl.Expr:
    """``BE`` (bank code kept, 7 digits, mod-97 pair), ``ES`` (bank, branch, 2 mod-11 digits,
    account), ``NO`` (10 digits, a mod-11 digit), ``NO7`` (``0000`` and a 7-digit Luhn account)
    or null."""
    digits = bban.str.contains(r"^[0-9]+$")
    size = bban.str.len_chars()
    return (
        pl.when((country == "BE") & digits & (size == 12)).then(pl.lit("BE"))
        .when((country == "ES") & digits & (size == 20)).then(pl.lit("ES"))
        .when((country == "NO") & digits & (size == 11) & bban.str.starts_with("0000")).then(pl.lit("NO7"))
        .when((country == "NO") & digits & (size == 11)).then(pl.lit("NO"))
    )  # fmt: skip


def national_payload(country: pl.Expr, bban: pl.Expr) -> pl.Expr:
    """The BBAN without its national check digits (the BBAN itself elsewhere)."""
    kind = _kind(country, bban)
    return (
        pl.when(kind == "BE").then(bban.str.slice(3, 7))
        .when(kind == "ES").then(bban.str.slice(0, 8) + bban.str.slice(10))
        .when(kind == "NO").then(bban.str.slice(0, 10))
        .when(kind == "NO7").then(bban.str.slice(4, 6))
        .otherwise(bban)
    )  # fmt: skip


def _be(payload: pl.Expr) -> pl.Expr:
    rest = payload.cast(pl.Int64, strict=False) % 97
    return pl.when(rest == 0).then(97).otherwise(rest)


def _weighted(digits: pl.Expr, weights: tuple[int, ...]) -> pl.Expr:
    return pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(weights)
    )


def _no(payload: pl.Expr) -> pl.Expr:
    """Norwegian kontonr check digit of 10 digits; 10 means no digit is valid."""
    return _weighted(payload, NO_WEIGHTS) % 11


def _known(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (columns ``country``, ``bban``) with its national kind and payload, computed once."""
    if "nkind" in frame.columns:
        return frame
    country, bban = pl.col("country"), pl.col("bban")
    return frame.with_columns(nkind=_kind(country, bban), old=national_payload(country, bban))


def needs_walk(frame: pl.DataFrame) -> pl.Series:
    """Rows whose ``permuted`` payload left its class (Norway: has a check digit or not, is a
    ``0000`` short account or not)."""
    frame = _known(frame)
    permuted = pl.col("permuted")
    left = ((_no(permuted) == 10) != (_no(pl.col("old")) == 10)) | permuted.str.starts_with("0000")
    return frame.select(((pl.col("nkind") == "NO") & left).fill_null(False)).to_series()


def _luhn6(payload: pl.Expr) -> pl.Expr:
    """The Luhn check digit of 6 digits (the rightmost doubled)."""
    digits = [payload.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(6)]
    doubled = [2 * d - 9 * (d >= 5).cast(pl.Int64) if i % 2 == 1 else d for i, d in enumerate(digits)]
    return (10 - pl.sum_horizontal(doubled) % 10) % 10


def _es(digits: pl.Expr) -> pl.Expr:
    """Spanish CCC check digit of 10 digits: 11 - weighted sum mod 11 (11 → 0, 10 → 1)."""
    total = _weighted(digits, ES_WEIGHTS)
    value = 11 - total % 11
    return pl.when(value == 11).then(0).when(value == 10).then(1).otherwise(value)


def with_national_checks(frame: pl.DataFrame) -> pl.Series:
    """The new BBAN from the ``permuted`` payload, national checks recomputed with the input's offset."""
    frame = _known(frame)
    national = frame["nkind"].is_not_null()
    new_bban = frame["permuted"].alias("new_bban")
    if not national.any():
        return new_bban
    return new_bban.scatter(national.arg_true(), _rebuilt(frame.filter(national)))


def _rebuilt(frame: pl.DataFrame) -> pl.Series:
    """:func:`with_national_checks` for the rows of a national kind."""
    kind, old, bban, permuted = pl.col("nkind"), pl.col("old"), pl.col("bban"), pl.col("permuted")
    bank = bban.str.slice(0, 3)  # Belgian bank codes are registered: kept
    be = (_be(bank + permuted) + bban.str.slice(10, 2).cast(pl.Int64, strict=False) - _be(bank + old)) % 100
    check = bban.str.slice(10, 1).cast(pl.Int64, strict=False)
    no = pl.when(_no(old) == 10).then(check).otherwise((_no(permuted) + check - _no(old)) % 10)
    short = (_luhn6(permuted) + check - _luhn6(old)) % 10
    es_first, es_second = (
        (_es(new) + bban.str.slice(at, 1).cast(pl.Int64, strict=False) - _es(before)) % 10
        for new, before, at in (("00" + permuted.str.slice(0, 8), "00" + old.str.slice(0, 8), 8),
                                (permuted.str.slice(8), old.str.slice(8), 9))
    )  # fmt: skip
    return frame.select(
        pl.when(kind == "BE").then(bank + permuted + be.cast(pl.String).str.zfill(2))
        .when(kind == "ES").then(pl.concat_str([permuted.str.slice(0, 8), es_first.cast(pl.String),
                                                 es_second.cast(pl.String), permuted.str.slice(8)]))
        .when(kind == "NO").then(permuted + no.cast(pl.String))
        .when(kind == "NO7").then("0000" + permuted + short.cast(pl.String))
        .otherwise(permuted)
    ).to_series()  # fmt: skip
