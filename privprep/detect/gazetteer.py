"""Name and place lists from the per-locale data Faker ships, for what the small model misses.

``Gazetteer`` holds lower-cased first names, last names and city names of every Faker
locale (accent-folded forms too), and a set of common English words that never count
alone (``Will``, ``Rose``, ``Black``...). :mod:`privprep.detect.listed` finds
"First Last" pairs in free text; :func:`person_share` and :func:`city_share` score a
column's sampled values, vectorized.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from faker.config import AVAILABLE_LOCALES

TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "sr", "sra"})


@dataclass(frozen=True)
class Gazetteer:
    first: frozenset[str]
    last: frozenset[str]
    cities: frozenset[str]
    common: frozenset[str]
    affixes: frozenset[str]  # "Dr", "B.Eng", "Jr": ignored when counting name tokens
    streets: frozenset[str]  # "Avenue", "Gasse", "Rua", "Via": street types and prefixes

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


def _attr(module: str, parts: tuple[str, ...]) -> list[str]:
    """Every string in the list/dict/tuple attributes of ``module.Provider`` named ``*part*``."""
    try:
        provider = importlib.import_module(module).Provider
    except ModuleNotFoundError:
        return []
    found: list[str] = []
    for attr, value in vars(provider).items():
        if any(p in attr for p in parts) and isinstance(value, dict | list | tuple | set | frozenset):
            found.extend(v for v in value if isinstance(v, str))
    return found


@functools.cache
def gazetteer() -> Gazetteer:
    """Built once per process from every Faker locale (about 0.3 s)."""
    person, address = "faker.providers.person.{}", "faker.providers.address.{}"
    first, last, affixes, cities, streets = [], [], [], [], []
    for loc in AVAILABLE_LOCALES:
        first += _attr(person.format(loc), ("first_name",))
        last += _attr(person.format(loc), ("last_name",))
        affixes += _attr(person.format(loc), ("prefixes", "suffixes"))
        cities += _attr(address.format(loc), ("cities", "city_names"))
        streets += _attr(address.format(loc), ("street_suffixes", "street_prefixes"))
    from spacy.lang.en.stop_words import STOP_WORDS

    common = [
        *STOP_WORDS,
        *_attr("faker.providers.lorem.en_US", ("word_list",)),
        *_attr("faker.providers.color.en_US", ("all_colors",)),
        *_attr("faker.providers.date_time.en_US", ("month_names", "day_names")),
    ]
    affix_words = {w.strip(".") for w in _words(affixes)}
    street_words = {w.strip(".-") for w in _words(streets) if w.strip(".-").isalpha() and len(w) >= 3}
    return Gazetteer(*(frozenset(_words(x)) for x in (first, last, cities, common)),
                     frozenset(affix_words), frozenset(street_words))  # fmt: skip


def _tokens(values: pl.Series, drop: frozenset[str]) -> pl.Series:
    """Lower-cased words of each value, without ``drop`` words (titles, degrees)."""
    dropped = pl.Series(list(drop), dtype=pl.String)
    words = values.cast(pl.String).str.to_lowercase().str.replace_all(r"[,;()\-]", " ").str.split(" ")
    return words.list.eval(pl.element().str.strip_chars(".")).list.eval(
        pl.element().filter((pl.element().str.len_chars() > 0) & ~pl.element().is_in(dropped.implode()))
    )


def person_share(values: pl.Series) -> float:
    """Share of values made of known first/last names (at least one not a common word)."""
    if values.is_empty():
        return 0.0
    gaz = gazetteer()
    names = pl.Series(list(gaz.first | gaz.last), dtype=pl.String)
    common = pl.Series(list(gaz.common), dtype=pl.String)
    tokens = _tokens(values, gaz.affixes)
    stats = pl.DataFrame({"t": tokens}).select(
        n=pl.col("t").list.len(),
        named=pl.col("t").list.eval(pl.element().is_in(names.implode())).list.sum(),
        distinctive=pl.col("t")
        .list.eval(pl.element().is_in(names.implode()) & ~pl.element().is_in(common.implode()))
        .list.sum(),
    )
    hit = (
        (stats["n"].is_between(1, 4))
        & (stats["named"] >= stats["n"] - (stats["n"] >= 3))
        & (stats["distinctive"] >= 1)
    )
    return float(hit.mean() or 0.0)


def city_share(values: pl.Series) -> float:
    """Share of values that are a known city name (and not a common English word)."""
    if values.is_empty():
        return 0.0
    gaz = gazetteer()
    low = values.cast(pl.String).str.to_lowercase().str.strip_chars()
    cities = pl.Series(list(gaz.cities), dtype=pl.String)
    common = pl.Series(list(gaz.common), dtype=pl.String)
    return float((low.is_in(cities.implode()) & ~low.is_in(common.implode())).mean() or 0.0)


def street_share(values: pl.Series) -> float:
    """Share of values with a house number and a street word (``Avenue``, ``Rua``, ``...gasse``)."""
    if values.is_empty():
        return 0.0
    words = "|".join(re.escape(w) for w in sorted(gazetteer().streets, key=len, reverse=True))
    text = values.cast(pl.String).str.to_lowercase()
    street = text.str.contains(rf"(^|\W)({words})(\W|$)") | text.str.contains(rf"\p{{L}}({words})(\W|$)")
    return float((street & text.str.contains(r"\d")).mean() or 0.0)
