"""The forms in which people write a value inside a text, vectorized over a column's distinct values.

``forms(values, kind)`` turns each value into lower-cased search keys, each tagged with the
part of the value it stands for, so that the replacement can be the same part of the
structured column's replacement ("Lopez" → the fake person's last name):

========== ===================================== =========================
kind       forms                                 parts
========== ===================================== =========================
name       as is, "First Last", "Last, First",   full, full, last_first,
           "F. Last", first and last alone       initial, first, last
email      as is, local part                     full, local
address    as is, each comma part, without its   full, part:<i>, street:<i>
           house number or postcode
other      as is                                 full
========== ===================================== =========================

Every key also comes accent-folded (``Müller`` → ``muller``) and transliterated
(``mueller``). Single words must have ``MIN_WORD`` letters and not be a common word.
Phone numbers (and other digit identifiers) are found by their digits: :func:`digit_key`.
"""

from __future__ import annotations

import functools

import polars as pl

MIN_WORD, MIN_VALUE = 3, 3
DIGIT_KEY = 9  # phones are compared on their last 9 digits (national number without trunk prefix)
PART_RANK = {"full": 0, "last_first": 1, "initial": 2, "local": 3, "last": 4, "first": 5}
_TRANSLIT = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"}
_HOUSE = r"^\d+\s*[A-Za-z]?(?:[-/]\d+)?,?\s+|\s+\d+\s*[A-Za-z]?(?:[-/]\d+)?$"
_POSTCODE = r"\b[A-Z]{0,2}\d[\dA-Z -]{2,8}\b"


@functools.cache
def common_words() -> pl.Series:
    """Words too common to stand alone for a person or place (stop words, frequent English words)."""
    from privprep.detect.gazetteer import gazetteer

    return pl.Series(sorted(gazetteer().common), dtype=pl.String)


def fold(expr: pl.Expr) -> pl.Expr:
    """Lower-cased, accents removed: ``Théodore`` → ``theodore`` (vectorized)."""
    return expr.str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{Mn}", "")


def digit_key(expr: pl.Expr) -> pl.Expr:
    """The last ``DIGIT_KEY`` digits of a value with 7-15 digits and at most 3 letters, else null."""
    digits = expr.str.replace_all(r"\D", "")
    n = digits.str.len_chars()
    ok = (n >= 7) & (n <= 19) & (expr.str.count_matches(r"\p{L}") <= 3)
    return pl.when(ok).then(digits.str.tail(DIGIT_KEY))


def forms(values: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``key``, ``part``, ``id`` for the ``value`` column of ``values`` (with an ``id`` column).

    Keys may repeat (the same form of two values): the caller keeps one per key.
    """
    value = pl.col("value").str.strip_chars()
    frame = values.with_columns(value=value).filter(pl.col("value").str.len_chars() >= MIN_VALUE)
    if kind == "name":
        parts = _name_parts(frame)
    elif kind == "email":
        local = pl.col("value").str.split("@").list.first()
        parts = [_part(frame, pl.col("value"), "full"),
                 _part(frame.filter(pl.col("value").str.contains("@")), local, "local")]  # fmt: skip
    elif kind == "address":
        parts = _address_parts(frame)
    else:
        parts = [_part(frame, pl.col("value"), "full")]
    out = pl.concat(parts).with_columns(key=pl.col("form").str.to_lowercase())
    translit = pl.col("key").str.replace_many(list(_TRANSLIT), list(_TRANSLIT.values()))
    variants = [
        out.with_columns(key=v).filter(pl.col("key") != out["key"]) for v in (fold(pl.col("form")), translit)
    ]
    common = common_words().implode()
    single = ~pl.col("key").str.contains(r"[\s,.@\d-]")
    keep = (pl.col("key").str.len_chars() >= MIN_VALUE) & ~(
        single & ((pl.col("key").str.len_chars() < MIN_WORD) | pl.col("key").is_in(common))
    )
    return pl.concat([out, *variants]).filter(keep).select("key", "part", "id")


def _part(frame: pl.DataFrame, form: pl.Expr, part: str | pl.Expr) -> pl.DataFrame:
    part_expr = pl.lit(part) if isinstance(part, str) else part
    return frame.select(form=form, part=part_expr, id=pl.col("id")).drop_nulls("form")


def _name_parts(frame: pl.DataFrame) -> list[pl.DataFrame]:
    words = pl.col("value").str.replace_all(r"[^\p{L}\p{M}'\-.]+", " ").str.strip_chars().str.split(" ")
    split = frame.with_columns(w=words.list.eval(pl.element().filter(pl.element().str.len_chars() > 0)))
    split = split.with_columns(
        n=pl.col("w").list.len(), first=pl.col("w").list.first(), last=pl.col("w").list.last()
    )
    multi = split.filter(pl.col("n") >= 2)
    first, last = pl.col("first"), pl.col("last")
    clean_first = first.str.strip_chars(".")
    return [
        _part(frame, pl.col("value"), "full"),
        _part(multi, pl.concat_str([first, last], separator=" "), "full"),
        _part(multi, pl.concat_str([last, first], separator=", "), "last_first"),
        _part(multi, pl.concat_str([clean_first.str.head(1), pl.lit(". "), last]), "initial"),
        _part(multi, clean_first, "first"),
        _part(multi, last, "last"),
        _part(split.filter(pl.col("n") == 1), first, "full"),
    ]


def _address_parts(frame: pl.DataFrame) -> list[pl.DataFrame]:
    pieces = (
        frame.with_columns(p=pl.col("value").str.split(","))
        .explode("p")
        .with_columns(i=pl.int_range(pl.len()).over("id"), p=pl.col("p").str.strip_chars())
    )
    bare = pl.col("p").str.replace_all(_POSTCODE, " ").str.replace(_HOUSE, "").str.strip_chars()
    index = pl.col("i").cast(pl.String)
    return [
        _part(frame, pl.col("value"), "full"),
        _part(pieces, pl.col("p"), pl.concat_str([pl.lit("part:"), index])),
        _part(pieces.filter(bare.str.contains(r"\p{L}{3}")), bare, pl.concat_str([pl.lit("street:"), index])),
    ]


def with_parts(table: pl.DataFrame) -> pl.DataFrame:
    """``r`` (the structured replacement of each form's value) turned into the form's part of it."""
    out = [group if part == "full" else group.with_columns(r=_part_of(pl.col("r"), str(part)))
           for (part,), group in table.group_by("part")]  # fmt: skip
    return pl.concat(out) if out else table


def _part_of(replacement: pl.Expr, part: str) -> pl.Expr:
    """The same ``part`` of ``replacement`` (a fake name, e-mail or address); a token stays whole."""
    words = replacement.str.split(" ")
    first, last = words.list.first(), words.list.last()
    kind, _, index = part.partition(":")
    piece = pl.coalesce(replacement.str.split(", ").list.get(int(index or 0), null_on_oob=True), replacement)
    expr = {
        "first": first,
        "last": last,
        "last_first": pl.concat_str([last, first], separator=", "),
        "initial": pl.concat_str([first.str.head(1), pl.lit(". "), last]),
        "local": replacement.str.split("@").list.first(),
        "part": piece,
        "street": pl.coalesce(piece.str.replace(_HOUSE, ""), piece),
    }.get(kind, replacement)
    return pl.when(replacement.str.contains(r"[ @,]")).then(expr).otherwise(replacement)
