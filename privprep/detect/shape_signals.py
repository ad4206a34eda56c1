"""Shape evidence for one column: what the values' form says, with and without a column name.

``header_free`` adds the signals that count on their own (names, addresses, postcodes,
usernames, credentials, float card numbers), each behind column-level guards: enough
distinct values, few English dictionary words, no company markers. ``corroborate`` adds
weaker shape signals only for the entities the column name points to.
"""

from __future__ import annotations

import polars as pl

from privprep.detect import shapes
from privprep.detect import signals as sig
from privprep.detect.evidence import Evidence
from privprep.detect.gazetteer import code_share, country_share, word_share
from privprep.detect.identifiers import national_id_share
from privprep.detect.names import NameHint
from privprep.detect.sampling import ColumnSample
from privprep.detect.vocab import COMPANY_MARKERS

SHAPE_WEIGHT, DOB_WEIGHT = 0.35, 0.6  # corroboration of a name hint; dates under a birth name
CHECKSUM_WEIGHT, ID_WEIGHT = 0.9, 0.2  # a national ID's check digits; identifier-shaped values
PHONE_WEIGHT = 0.3  # phone-shaped but invalid in every region: still written like a phone number
PROPER_WEIGHT, ADDRESS_WEIGHT, USERNAME_WEIGHT, PASSWORD_WEIGHT, CARD_WEIGHT = 0.3, 0.45, 0.6, 0.6, 0.5
POSTCODE_WEIGHTS = (0.55, 0.4, 0.1)  # distinctive formats, digit-only formats, leading zeros
LISTED = 0.3  # share of listed names or places from which proper nouns count in full
MIN_DISTINCT = 20  # fewer distinct values: a category (card type, zodiac sign), not a name
WORDY = 0.3  # share of dictionary words from which values are job titles or products, not names
WORD_PENALTY = -0.3
COUNTRY_PENALTY = -0.6  # a country alone is not personal data
MARKED = 0.2  # share of handles with digits or separators that makes a column of usernames
LAYOUTS = 0.3  # layouts per value below which "mixed classes" are codes (SKU-1234-XL), not passwords


def header_free(ev: Evidence, cs: ColumnSample, values: pl.Series, texts: pl.Series) -> dict[str, float]:
    """Signals from value shapes alone; returns column facts for the evidence (no values)."""
    if values.dtype.is_float():
        ev.add("CREDIT_CARD", "shape:card prefix", CARD_WEIGHT * (s := shapes.card_prefix_share(values)), s)
        return {}
    if values.dtype != pl.String or cs.distinct < MIN_DISTINCT:
        return {}
    words = word_share(texts)
    company = _company_share(texts)
    facts = {"dictionary_words": round(words, 3), "company_markers": round(company, 3)}
    if words >= WORDY:
        ev.add("PERSON", "values:dictionary words", WORD_PENALTY, words)
    elif company < MARKED:
        # proper nouns count as far as the lists recognize some: languages and dishes are proper
        # nouns too, names are not all listed (a third listed counts in full)
        proper = shapes.proper_noun_share(texts)
        places = max(ev.share("gazetteer:cities"), ev.share("gazetteer:regions"))
        named = ev.share("gazetteer:names")
        target, listed = ("LOCATION", places) if places > named else ("PERSON", named)
        ev.add(target, "shape:proper nouns", PROPER_WEIGHT * proper * min(1.0, listed / LISTED), proper)
    countries = country_share(texts)
    for entity in ("PERSON", "LOCATION"):
        ev.add(entity, "values:countries or languages", COUNTRY_PENALTY * countries, countries)
    ev.add("LOCATION", "shape:address", ADDRESS_WEIGHT * (s := shapes.address_share(texts)), s)
    ev.add("PHONE_NUMBER", "shape:phone", PHONE_WEIGHT * (s := shapes.phone_share(texts)), s)
    ev.add("NATIONAL_ID", "checksum:national id", CHECKSUM_WEIGHT * (s := national_id_share(texts)), s)
    ev.add("NATIONAL_ID", "shape:id number", ID_WEIGHT * (s := sig.id_number_share(texts)), s)
    _postcode(ev, texts)
    if shapes.marked_username_share(texts) >= MARKED and shapes.domain_share(texts) < MARKED:
        ev.add("USERNAME", "shape:username", USERNAME_WEIGHT * (s := shapes.username_share(texts)), s)
    if (variety := shapes.layout_variety(texts)) >= LAYOUTS:
        ev.add("PASSWORD", "shape:credential", PASSWORD_WEIGHT * (s := shapes.password_share(texts)), s)
    facts["layouts_per_value"] = round(variety, 3)
    return facts


def _company_share(texts: pl.Series) -> float:
    markers = pl.Series(sorted(COMPANY_MARKERS), dtype=pl.String).implode()
    words = texts.str.to_lowercase().str.extract_all(r"[\p{L}&]+")
    return float(words.list.eval(pl.element().is_in(markers)).list.any().mean() or 0.0)


def _postcode(ev: Evidence, texts: pl.Series) -> None:
    any_format, distinctive = shapes.postcode_shares(texts)
    if (texts.str.contains(r"^(19|20)\d\d$").mean() or 0.0) >= 0.5:
        any_format = distinctive  # years, not postcodes
    strong, digits, zeros = POSTCODE_WEIGHTS
    ev.add("ZIP_CODE", "shape:postcode format", strong * distinctive, distinctive)
    ev.add("ZIP_CODE", "shape:postcode digits", digits * (any_format - distinctive), any_format - distinctive)
    if any_format >= 0.8 and shapes.leading_zero_share(texts) > 0:
        ev.add("ZIP_CODE", "shape:leading zeros", zeros)


def corroborate(ev: Evidence, hints: dict[str, NameHint], values: pl.Series, texts: pl.Series) -> None:
    """Shape signals, counted only for the entities the column name points to."""
    numeric = values.dtype.is_numeric()
    date_share = max((s.get("share", 0.0) for s in ev.signals if s["entity"] == "DATE_TIME"), default=0.0)
    checks = {
        "CREDIT_CARD": ("shape:13-19 digits", lambda: sig.digits_between(values, 13, 19) if numeric else 0.0),
        "PHONE_NUMBER": ("shape:7-15 digits", lambda: sig.digits_between(values, 7, 15) if numeric else 0.0),
        "US_SSN": ("shape:9 digits", lambda: sig.digits_between(values, 7, 9) if numeric else 0.0),
        "NATIONAL_ID": ("shape:id number", lambda: sig.id_number_share(texts)),
        "ZIP_CODE": ("shape:postcode", lambda: sig.digits_between(values, 3, 5) if numeric
                     else shapes.postcode_shares(texts)[0]),
        "AGE": ("shape:0-120", lambda: sig.age_share(values) if numeric else 0.0),
        "LOCATION": ("shape:house number or code",
                     lambda: 0.0 if numeric else max(shapes.address_share(texts), code_share(texts))),
        "USERNAME": ("shape:handle", lambda: 0.0 if numeric else shapes.username_share(texts)),
        "PASSWORD": ("shape:one token", lambda: 0.0 if numeric else sig.token_share(texts)),
        "DATE_OF_BIRTH": ("values:dates", lambda: date_share),
    }  # fmt: skip
    for entity, (signal, share_of) in checks.items():
        if entity in hints:
            share = share_of()
            weight = DOB_WEIGHT if entity == "DATE_OF_BIRTH" else SHAPE_WEIGHT
            ev.add(entity, signal, weight * share, share)
