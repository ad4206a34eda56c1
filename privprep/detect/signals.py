"""Value signals for one column's sampled values: checksums, vocabularies, digit counts.

Each function returns shares (0..1) of the sampled distinct values, computed with Polars
expressions; Python runs per sampled value only for checksums.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from privprep.detect.recognizers import iban_ok, luhn_ok

GENDER_WORDS = frozenset({
    "m", "f", "male", "female", "man", "woman", "men", "women", "w", "d", "x", "non-binary", "nonbinary",
    "diverse", "divers", "männlich", "weiblich", "homme", "femme", "masculino", "femenino", "hombre",
    "mujer", "maschio", "femmina", "mężczyzna", "kobieta", "h", "v", "男性", "女性",
})  # fmt: skip
UNSTATED = frozenset(
    {"unknown", "other", "n/a", "na", "none", "prefer not to say", "not specified", "-", "?"}
)
@dataclass(frozen=True)
class Shape:
    """How the sampled values look: lengths, words, digits, letters, lower-case prose."""

    avg_len: float
    avg_words: float
    lower_share: float
    digit_share: float
    letter_share: float
    bare_digit_share: float

    @property
    def free_text(self) -> bool:
        """Long, multi-word, prose-like values (addresses and names are capitalized, prose is not)."""
        return self.avg_words >= 5 and self.avg_len >= 25 and self.lower_share >= 0.3

    def as_evidence(self) -> dict[str, float]:
        return {"avg_length": round(self.avg_len, 1), "avg_words": round(self.avg_words, 1)}


def shape(texts: pl.Series) -> Shape:
    """Shape statistics of string values."""
    if texts.is_empty():
        return Shape(0, 0, 0, 0, 0, 0)
    row = (
        texts.to_frame("v")
        .select(
            avg_len=pl.col("v").str.len_chars().mean(),
            avg_words=pl.col("v").str.count_matches(r"\S+").mean(),
            lower=pl.col("v").str.count_matches(r"\b\p{Ll}+\b").sum()
            / pl.col("v").str.count_matches(r"\S+").sum().clip(1),
            digit=pl.col("v").str.contains(r"\d").mean(),
            letter=pl.col("v").str.contains(r"\p{L}").mean(),
            bare=pl.col("v").str.contains(r"^\d+$").mean(),
        )
        .row(0)
    )
    return Shape(*(float(x or 0.0) for x in row))


def luhn_share(texts: pl.Series) -> float:
    """Share of values that are Luhn-valid card numbers once spaces, dots and dashes go."""
    digits = texts.str.replace_all(r"[\s.\-]", "")
    candidates = digits.filter(digits.str.contains(r"^\d{13,19}$"))
    return sum(luhn_ok(d) for d in candidates) / texts.len() if texts.len() else 0.0


def iban_share(texts: pl.Series) -> float:
    """Share of values passing the IBAN mod-97 check (any spacing or case)."""
    candidates = texts.filter(texts.str.contains(r"^\s*[A-Za-z]{2}\d{2}"))
    return sum(iban_ok(v) for v in candidates) / texts.len() if texts.len() else 0.0


def gender_share(texts: pl.Series) -> float:
    """Share of stated values that are gender words (``unknown``/``n/a`` are left out)."""
    low = texts.str.to_lowercase().str.strip_chars()
    stated = low.filter(~low.is_in(pl.Series(list(UNSTATED)).implode()))
    return float(stated.is_in(pl.Series(list(GENDER_WORDS)).implode()).mean() or 0.0) if stated.len() else 0.0


def id_number_share(texts: pl.Series) -> float:
    """Identifier-shaped values: 6+ digits among letters, dashes, dots, slashes or spaces only."""
    return float((texts.str.contains(r"^[\p{L}\d .\-/]+$") & (texts.str.count_matches(r"\d") >= 6)).mean()
                 or 0.0)  # fmt: skip


def token_share(texts: pl.Series) -> float:
    """Values that are one token of 4+ characters (a password, a key), not words with spaces."""
    return float((~texts.str.contains(r"\s") & (texts.str.len_chars() >= 4)).mean() or 0.0)


def digit_counts(values: pl.Series) -> pl.Series:
    """Integer digits of numeric values (``5.54563E+15`` → 16), null where not integer-valued."""
    numbers = values.cast(pl.Float64).abs()
    whole = numbers.floor() == numbers
    counts = (numbers.clip(1).log10().floor() + 1).cast(pl.Int64)
    return pl.select(pl.when(whole).then(counts)).to_series()


def digits_between(values: pl.Series, low: int, high: int) -> float:
    """Share of numeric values with ``low``..``high`` integer digits."""
    counts = digit_counts(values)
    return float(counts.is_between(low, high).fill_null(False).mean() or 0.0)


def age_share(values: pl.Series) -> float:
    numbers = values.cast(pl.Float64)
    return float(((numbers >= 0) & (numbers <= 120) & (numbers.floor() == numbers)).mean() or 0.0)
