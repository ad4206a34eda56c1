"""Pools of realistic values per (kind, locale): shipped, or drawn once from Faker and cached.

``data/pools.parquet`` (built by ``scripts/build_fake_pools.py``; its Faker version from
:func:`pools_faker_version`) holds the pools of every Faker locale: loading one takes a few
milliseconds, so a run never spends seconds drawing. A kind the file lacks is drawn
from Faker once per process (``DRAWN``, a fixed seed). The pools are public; what stays secret
is which value maps to which entry, decided by the keyed HMAC.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from faker import Faker

POOL_SIZE = 2048  # draws of a pool the shipped file lacks: 2 * POOL_SIZE attempts
NUMBER_SLOT, FIRST_SLOT, LAST_SLOT = "\x00", "\x01", "\x02"
"""Where a template's building number, first names and last names go (filled from the digest):
streets, cities and companies are drawn as templates, so a pool of a few thousand templates
gives millions of distinct values."""


@lru_cache(maxsize=1)
def _slots() -> type:
    """A Faker provider whose building numbers and names are the slots (Faker imported on first draw)."""
    from faker.providers import BaseProvider

    class Slots(BaseProvider):
        def building_number(self) -> str:
            return NUMBER_SLOT

        def first_name(self) -> str:
            return FIRST_SLOT

        def last_name(self) -> str:
            return LAST_SLOT

    return Slots


def _template(method: str) -> Callable[[Faker], str]:
    def draw(fake: Faker) -> str:
        fake.add_provider(_slots())  # on the pool's own Faker instance, drawn once per (kind, locale)
        return str(getattr(fake, method)())

    return draw


DRAWN: dict[str, Callable[[Faker], str]] = {
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "street": _template("street_address"),
    "city": _template("city"),
    "postcode": lambda f: f.postcode(),
    "company": _template("company"),
    "url": lambda f: f.url(),
    "email_domain": lambda f: f.free_email_domain(),
}
_FILE = resources.files("privprep.transforms") / "data" / "pools.parquet"


def _shipped(name: str, locale: str) -> pl.Series | None:
    """The shipped pool of ``name`` for ``locale`` (a filtered scan: a few milliseconds), if any."""
    with resources.as_file(_FILE) as path:
        if not path.exists():
            return None
        wanted = (pl.col("kind") == name) & (pl.col("locale") == locale)
        values = pl.scan_parquet(path).filter(wanted).select("value").collect().to_series()
    return values.alias(name) if len(values) else None


@lru_cache(maxsize=1)
def pools_faker_version() -> str | None:
    """The Faker version that drew the shipped pools (the audit records the installed one)."""
    with resources.as_file(_FILE) as path:
        if not path.exists():
            return None
        metadata = pl.read_parquet_metadata(path)
    return metadata.get("faker") or None


@lru_cache(maxsize=1024)
def pool(name: str, locale: str) -> pl.Series:
    """Distinct values of a pool, sorted."""
    shipped = _shipped(name, locale)
    if shipped is not None:
        return shipped.unique().sort().alias(name)
    from faker import Faker

    faker = Faker(locale)
    faker.seed_instance(hash_name(name))
    draw = DRAWN[name]
    values = {draw(faker) for _ in range(POOL_SIZE * 2)}
    return pl.Series(name, sorted(values), pl.String)


def hash_name(name: str) -> int:
    """A stable small integer per pool name (``hash()`` is salted per process)."""
    return int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big")


def slug(name: pl.Expr) -> pl.Expr:
    """``"María O'Neil"`` → ``"mariaoneil"``: a name inside an address; ``user`` when no ASCII is left."""
    folded = name.str.normalize("NFKD").str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return pl.when(folded.str.len_chars() > 0).then(folded).otherwise(pl.lit("user"))


@lru_cache(maxsize=1024)
def slugs(name: str, locale: str) -> pl.Series:
    """:func:`slug` of each value of a pool, in the pool's order (two values may share a slug)."""
    return pool(name, locale).to_frame().select(slug(pl.first())).to_series()


def pick(name: str, locale: str, index: pl.Expr, slugged: bool = False) -> pl.Expr:
    """The pool value at ``index`` modulo the pool's size (null index → null); its :func:`slug`
    with ``slugged`` (computed once per pool entry, not once per row).

    The index is cast to an Enum of the (distinct) pool values, or the slugs (not distinct) are
    gathered per batch: unlike gathering from a literal Series or ``replace_strict``, both keep
    Polars' streaming engine streaming in constant memory.
    """
    values = pool(name, locale)
    position = (index % len(values)).cast(pl.UInt32)
    if slugged:
        named = slugs(name, locale)
        return position.map_batches(named.gather, return_dtype=pl.String, is_elementwise=True)
    return position.cast(pl.Enum(values)).cast(pl.String)


def pick_per_row(name: str, locales: pl.Series, index: pl.Series, slugged: bool = False) -> pl.Series:
    """Eager :func:`pick` with a locale per row: one gather per distinct locale of the batch."""
    out = pl.Series(name, [None] * len(index), pl.String)
    for locale in locales.drop_nulls().unique().to_list():
        values = (slugs if slugged else pool)(name, locale)
        rows = (locales == locale).fill_null(False)
        picked = values.gather((index.filter(rows) % len(values)).cast(pl.UInt32))
        out = out.scatter(rows.arg_true(), picked)
    return out
