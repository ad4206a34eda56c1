"""Name, place and word lists for what the small model misses; none of them from Faker.

``Gazetteer`` holds lower-cased first names and last names (US Census 1990), city names
(GeoNames ``cities5000`` and US states), region names (ISO 3166-2 subdivisions from
``pycountry``), English dictionary words (SCOWL 35) and a small set of common words that
never count alone as a name (``Will``, ``Rose``, ``May``). The lists ship derived
(lower-cased, accent-folded forms added) and gzipped in ``privprep/detect/data``
(``scripts/build_detect_data.py`` rebuilds them; provenance and licences in
docs/detection.md) and load once per process (~0.2 s).
:mod:`privprep.detect.listed` finds "First Last" pairs in free text; the ``*_share``
functions score a column's sampled values, vectorized.
"""

from __future__ import annotations

import calendar
import functools
import gzip
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import polars as pl

from privprep.detect.vocab import AFFIXES, COLOURS, NAME_WORDS, STREET_ENDINGS, STREET_TYPES, TITLES

__all__ = ["TITLES", "Gazetteer", "city_share", "code_share", "country_share", "fold", "gazetteer",
           "person_share", "region_share", "street_share", "word_share"]  # fmt: skip


@dataclass(frozen=True)
class Gazetteer:
    first: frozenset[str]
    last: frozenset[str]
    cities: frozenset[str]
    common: frozenset[str]
    affixes: frozenset[str]  # "Dr", "B.Eng", "Jr": ignored when counting name tokens
    streets: frozenset[str]  # "Avenue", "Gasse", "Rua", "Via": street types and prefixes
    regions: frozenset[str]  # states, provinces, Länder, départements
    codes: frozenset[str]  # their codes without the country: "CA", "NY", "BY", "75"
    words: frozenset[str]  # English dictionary words (lower case in the dictionary)

    def is_name(self, word: str) -> bool:
        low = word.lower()
        return (low in self.first or low in self.last) and low not in self.common


def fold(text: str) -> str:
    """Lower-case, accents removed: ``Théodore`` → ``theodore``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(values: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for value in values:
        low = unicodedata.normalize("NFKC", value).lower().strip()
        if low:
            out.update((low, fold(low)))
    return out


def _shipped(name: str) -> list[str]:
    data = resources.files("privprep.detect").joinpath("data", f"{name}.txt.gz").read_bytes()
    return gzip.decompress(data).decode().split("\n")


ADMIN_WORDS = re.compile(
    r"\s*(\[.*\]|\b(kraj|län|county|province|provincia|region|oblast'?|state|department|district|"
    r"prefecture|governorate|voivodeship|województwo|canton|kanton)\b)\s*", re.IGNORECASE
)


def _subdivisions() -> tuple[list[str], list[str]]:
    """ISO 3166-2 names (also without ``kraj``, ``län``, ``[SE-04]``) and codes, via pycountry (LGPL-2.1)."""
    import pycountry

    names, codes = [], []
    for sub in pycountry.subdivisions:
        names += [sub.name, ADMIN_WORDS.sub(" ", sub.name).strip()]
        codes.append(sub.code.split("-", 1)[1])
    return names, codes


@functools.cache
def gazetteer() -> Gazetteer:
    """Built once per process from the shipped lists and pycountry."""
    from spacy.lang.en.stop_words import STOP_WORDS

    first, last, words, cities = (frozenset(_shipped(n)) for n in ("first", "last", "words", "cities"))
    months = [m for m in (*calendar.month_name, *calendar.day_name) if m]
    common = _words([*STOP_WORDS, *months, *COLOURS, *NAME_WORDS])
    regions, codes = _subdivisions()
    region_words = frozenset(r for r in _words(regions) if r not in words and len(r) >= 3)
    return Gazetteer(first, last, cities, frozenset(common),
                     frozenset(a.strip(".") for a in AFFIXES), STREET_TYPES, region_words,
                     frozenset(codes), words)  # fmt: skip


@functools.cache
def _lookup(*fields: str) -> pl.Series:
    """The union of the gazetteer's lists ``fields``, imploded for ``is_in``: built once per process."""
    gaz = gazetteer()
    return pl.Series(list(frozenset().union(*(getattr(gaz, f) for f in fields))), dtype=pl.String).implode()


def _tokens(values: pl.Series, dropped: pl.Series) -> pl.Series:
    """Lower-cased words of each value, without ``dropped`` words (titles, degrees)."""
    words = values.cast(pl.String).str.to_lowercase().str.replace_all(r"[,;()\-]", " ").str.split(" ")
    return words.list.eval(pl.element().str.strip_chars(".")).list.eval(
        pl.element().filter((pl.element().str.len_chars() > 0) & ~pl.element().is_in(dropped))
    )


def person_share(values: pl.Series) -> float:
    """Share of values made of known first/last names (at least one not a common word)."""
    if values.is_empty():
        return 0.0
    names, common = _lookup("first", "last"), _lookup("common")
    tokens = _tokens(values, _lookup("affixes"))
    stats = pl.DataFrame({"t": tokens}).select(
        n=pl.col("t").list.len(),
        named=pl.col("t").list.eval(pl.element().is_in(names)).list.sum(),
        distinctive=pl.col("t").list.eval(pl.element().is_in(names) & ~pl.element().is_in(common)).list.sum(),
    )
    hit = (
        (stats["n"].is_between(1, 4))
        & (stats["named"] >= stats["n"] - (stats["n"] >= 3))
        & (stats["distinctive"] >= 1)
    )
    return float(hit.mean() or 0.0)


def _listed_share(values: pl.Series, listed: pl.Series, exclude: pl.Series | None = None) -> float:
    if values.is_empty():
        return 0.0
    low = values.cast(pl.String).str.to_lowercase().str.strip_chars()
    found = low.is_in(listed) if exclude is None else low.is_in(listed) & ~low.is_in(exclude)
    return float(found.mean() or 0.0)


def city_share(values: pl.Series) -> float:
    """Share of values that are a known city name (and not a common English word)."""
    return _listed_share(values, _lookup("cities"), _lookup("common", "words"))


@functools.cache
def _countries() -> pl.Series:
    import pycountry

    names = [n for c in pycountry.countries for n in (c.name, getattr(c, "common_name", c.name))]
    languages = [lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return pl.Series([w for w in _words(names + languages) if len(w) >= 4], dtype=pl.String).implode()


def country_share(values: pl.Series) -> float:
    """Share of values naming a country or a major language (``Germany``, ``Swahili``): not personal."""
    return _listed_share(values, _countries())


def region_share(values: pl.Series) -> float:
    """Share of values naming a state, province or other ISO 3166-2 subdivision."""
    return _listed_share(values, _lookup("regions"), _lookup("common"))


def code_share(values: pl.Series) -> float:
    """Share of values that are a subdivision code (``CA``, ``NY``, ``BY``): only with a name hint."""
    text = values.cast(pl.String).str.strip_chars().str.to_uppercase()
    return float(text.is_in(_lookup("codes")).mean() or 0.0)


def word_share(values: pl.Series) -> float:
    """Share of words (of 3+ letters) that are English dictionary words: job titles, products."""
    if values.is_empty():
        return 0.0
    words = values.cast(pl.String).str.to_lowercase().str.extract_all(r"\p{L}{3,}").explode().drop_nulls()
    if words.is_empty():
        return 0.0
    return float(words.is_in(_lookup("words")).mean() or 0.0)


@functools.cache
def _street_pattern() -> str:
    words = "|".join(re.escape(w) for w in sorted(STREET_TYPES, key=len, reverse=True))
    ends = "|".join(re.escape(w) for w in STREET_ENDINGS)
    return rf"(^|[^\p{{L}}])({words})([^\p{{L}}]|$)|\p{{L}}({ends})([^\p{{L}}]|$)"


def street_share(values: pl.Series) -> float:
    """Share of values with a house number and a street word (``Avenue``, ``Rua``, ``...gasse``)."""
    if values.is_empty():
        return 0.0
    text = values.cast(pl.String).str.to_lowercase()
    return float((text.str.contains(_street_pattern()) & text.str.contains(r"\d")).mean() or 0.0)
