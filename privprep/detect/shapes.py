"""Value shapes that speak without a column name: names, addresses, postcodes, credentials.

Each function returns the share (0..1) of a column's sampled distinct values that have the
shape, computed with Polars expressions only. The classifier adds column-level guards
(enough distinct values, few dictionary words) before a shape counts on its own.

>>> import polars as pl
>>> proper_noun_share(pl.Series(["Ingetraut", "Szwedowska", "van Lochem", "Dudek, Marta"]))
1.0
>>> address_share(pl.Series(["Hauptstraße 5", "12 Via Roma", "P.O. Box 771", "2004 Honda Civic"]))
0.75
>>> password_share(pl.Series(["Eeb0ohgh3", "k#9Lm!2q", "john_doe88", "SKU-1234-XL"]))
0.75
"""

from __future__ import annotations

import polars as pl

from privprep.detect.vocab import PO_BOX

PARTICLES = r"(?:van|von|der|den|de|da|di|del|della|dos|das|du|le|la|ten|ter|bin|al|el|y|e|zu|vom|af)"
_WORD = r"(?:\p{Lu}[\p{L}'’]*(?:-\p{Lu}?[\p{L}'’]+)*|\p{Lu}\.)"  # Anne, O'Neil, Müller-Lüdenscheidt, J.
_NAME = rf"(?:{PARTICLES}\s+)*{_WORD}(?:\s+(?:{PARTICLES}\s+)*{_WORD}){{0,3}}"
PROPER = rf"^{_NAME}(?:,\s*{_WORD}(?:\s+{_WORD}){{0,2}})?$"  # "Maria Lopez", "Lopez, Maria J."
_NUMBER = r"(?:no\.?\s*|nr\.?\s*|n[º°]\s*|#)?\d{1,5}[a-zA-Z]?(?:\s*[-/]\s*\d{1,5}[a-zA-Z]?)?"
_PLACE_WORDS = r"\p{L}[\p{L}.'’\-]*(?:\s+\p{L}[\p{L}.'’\-]*){0,5}"
ADDRESS = (
    rf"(?i)^(?:{_NUMBER},?\s+{_PLACE_WORDS}|{_PLACE_WORDS},?\s+{_NUMBER}|{PO_BOX}\s*\d+)(?:\s*,.*|\s+.*)?$"
)
YEAR_FIRST = r"^(19|20)\d\d\s"  # "2004 Honda Civic": a vehicle, not a house number
# postcode formats: (regex, distinctive) — distinctive ones (letters or a separator) need no header
POSTCODES = (
    (r"\d{5}", False), (r"\d{4}", False), (r"\d{6}", False),  # US DE FR ES IT; AT CH BE DK NO AU; IN RU
    (r"\d{5}-\d{4}", True), (r"\d{5}-\d{3}", True), (r"\d{4}-\d{3}", True),  # US ZIP+4, BR, PT
    (r"\d{2}-\d{3}", True), (r"\d{3}-\d{4}", True), (r"\d{3} \d{2}", True),  # PL, JP, SE CZ SK GR
    (r"\d{4} ?[A-Z]{2}", True), (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", True),  # NL, GB
    (r"[A-Z]\d[A-Z] ?\d[A-Z]\d", True), (r"[A-Z]\d{2} ?[A-Z\d]{4}", True),    # CA, IE
    (r"[A-Z]\d{4}[A-Z]{3}", True), (r"(?:[A-Z]{1,2}-)\d{4,5}", True),        # AR, "D-10115"
)  # fmt: skip
USERNAME = r"^[A-Za-z][a-z]*(?:[._-]?[A-Za-z][a-z]*){0,3}(?:[._-]?\d{1,4})?$"
PHONE = r"^(?:\+|00|\(|0)?[\d ()./-]{6,24}\d$"
DATE_LIKE = r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{3}-\d{2}-\d{4}$"  # dates, SSNs
UUID = r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"
SCIENTIFIC = r"^\s*\d(?:[.,]\d+)?[eE]\+?\d{1,2}\s*$"
# issuer prefixes of card numbers (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay)
CARD_PREFIX = r"^(4|5[1-5]|2[2-7]|3[47]|6011|6[245]|35|30|36|38|5[06-9]|62)"


def _share(mask: pl.Series) -> float:
    return float(mask.fill_null(False).mean() or 0.0) if mask.len() else 0.0


def _cased(texts: pl.Series) -> pl.Series:
    """Title-cased when the column is written in one case (``MARIA LOPEZ``, ``maria lopez``)."""
    stripped = texts.str.strip_chars()
    letters = stripped.str.replace_all(r"[^\p{L}]", "")
    one_case = _share((letters == letters.str.to_uppercase()) | (letters == letters.str.to_lowercase()))
    return stripped.str.to_titlecase() if one_case >= 0.9 else stripped


def proper_noun_share(texts: pl.Series) -> float:
    """Values written like a person's or place's name: 1–4 capitalized words, "Last, First", initials."""
    return _share(_cased(texts).str.contains(PROPER))


def address_share(texts: pl.Series) -> float:
    """A house number before or after words (``12 Main St``, ``Via Roma 5``, ``ul. Dudka 5/3``), a PO box."""
    stripped = texts.str.strip_chars()
    return _share(stripped.str.contains(ADDRESS) & ~stripped.str.contains(YEAR_FIRST)
                  & stripped.str.contains(r"\p{L}{3,}|(?i)box"))  # fmt: skip


def postcode_shares(texts: pl.Series) -> tuple[float, float]:
    """Shares of values in a postcode format: any format, and formats with letters or separators."""
    up = texts.str.strip_chars().str.to_uppercase()
    every = "|".join(p for p, _ in POSTCODES)
    distinctive = "|".join(p for p, d in POSTCODES if d)
    return _share(up.str.contains(f"^(?:{every})$")), _share(up.str.contains(f"^(?:{distinctive})$"))


def leading_zero_share(texts: pl.Series) -> float:
    """Digit strings starting with 0: a code that was never a number (postcodes, not amounts)."""
    return _share(texts.str.contains(r"^0\d{3,}$"))


def phone_share(texts: pl.Series) -> float:
    """Digit runs written like phone numbers: 7–15 digits with separators or a ``+``/``00`` prefix."""
    digits = texts.str.count_matches(r"\d")
    written = texts.str.contains(r"^\s*(\+|00)") | texts.str.contains(r"\d[ ()./-]+\d")
    return _share(texts.str.strip_chars().str.contains(PHONE) & digits.is_between(7, 15) & written
                  & ~texts.str.contains(DATE_LIKE))  # fmt: skip


def _classes(texts: pl.Series) -> pl.Series:
    return (
        texts.str.contains(r"\p{Ll}").cast(pl.Int8)
        + texts.str.contains(r"\p{Lu}").cast(pl.Int8)
        + texts.str.contains(r"\d").cast(pl.Int8)
        + texts.str.contains(r"[^\p{L}\d]").cast(pl.Int8)
    )


def username_share(texts: pl.Series) -> float:
    """Handles such as ``jsmith``, ``maria.lopez``, ``sherri_1987``, ``Forgrat1968``."""
    return _share(texts.str.contains(USERNAME) & (texts.str.len_chars() >= 3))


def marked_username_share(texts: pl.Series) -> float:
    """Handles with a mark a plain name lacks: digits, a separator, or an inner capital."""
    marked = texts.str.contains(r"\d|[._-]|\p{Ll}\p{Lu}")
    return _share(texts.str.contains(USERNAME) & marked & (texts.str.len_chars() >= 3))


def domain_share(texts: pl.Series) -> float:
    """Host names (``fighting.org``, ``safe.madrid``): the last label is a public suffix.

    Uses tldextract's bundled suffix list (offline, see :mod:`privprep.detect.offline`), per
    sampled value.
    """
    from privprep.detect.offline import _snapshot_extractor

    extract = _snapshot_extractor()
    dotted = texts.filter(texts.str.contains(r"^[\w-]+(\.[\w-]+)+$")).to_list()
    return sum(bool(extract(v).suffix) for v in dotted) / texts.len() if texts.len() else 0.0  # type: ignore[operator]


def password_share(texts: pl.Series) -> float:
    """Credential-like: one 6–64 character token mixing three character classes, not a handle or an id."""
    plain = ~texts.str.contains(r"\s|@|://|^www\.") & texts.str.len_chars().is_between(6, 64)
    return _share(plain & (_classes(texts) >= 3) & ~texts.str.contains(USERNAME) & ~texts.str.contains(UUID))


def layout_variety(texts: pl.Series) -> float:
    """Distinct character-class layouts per value: codes share one (``LLL-dddd-LL``), passwords do not."""
    if texts.is_empty():
        return 0.0
    layout = (
        texts.str.replace_all(r"\p{Lu}+", "A").str.replace_all(r"\p{Ll}+", "a").str.replace_all(r"\d+", "9")
    )
    return layout.n_unique() / texts.len()


def scientific_share(texts: pl.Series) -> float:
    """Numbers exported in scientific notation (``5.54563E+15``): digits were lost on the way."""
    return _share(texts.str.contains(SCIENTIFIC))


def card_prefix_share(numbers: pl.Series) -> float:
    """Whole numbers of 13–19 digits starting with a card issuer's prefix (checkable after digit loss)."""
    floats = numbers.cast(pl.Float64, strict=False).abs()
    whole = floats.filter((floats >= 1e12) & (floats < 1e19) & (floats.floor() == floats))
    if whole.is_empty():
        return 0.0
    digits = whole.log10().floor() + 1
    leading = (whole / (10.0 ** (digits - 4))).floor().cast(pl.Int64).cast(pl.String)
    return float(leading.str.contains(CARD_PREFIX).sum()) / numbers.len()
