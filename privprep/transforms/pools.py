"""Pools of realistic values drawn once from Faker per (kind, locale), cached for the process.

Faker runs a few thousand times per pool, never per row; the per-row work is a
keyed hash and a gather into the pool. The pools are public (a fixed seed);
what stays secret is which value maps to which entry, decided by the keyed HMAC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

import polars as pl
from faker import Faker

POOL_SIZE = 2048

_DRAWS: dict[str, Callable[[Faker], str]] = {
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "street": lambda f: f.street_address(),
    "city": lambda f: f.city(),
    "postcode": lambda f: f.postcode(),
    "company": lambda f: f.company(),
    "url": lambda f: f.url(),
    "iban": lambda f: f.iban(),
    "credit_card": lambda f: f.credit_card_number(),
    "email_domain": lambda f: f.free_email_domain(),
    "phone": lambda f: f.phone_number(),
}


def ascii_slug(text: str) -> str:
    """``"Jürgen O'Neil"`` → ``"jurgenoneil"``: what a name looks like inside an address."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@lru_cache(maxsize=512)
def pool(name: str, locale: str) -> pl.Series:
    """Up to :data:`POOL_SIZE` distinct values; ``slug:<name>`` gives the ASCII slugs of a pool."""
    if name.startswith("slug:"):
        slugs = {ascii_slug(v) for v in pool(name[5:], locale).to_list()} - {""}
        return pl.Series(name, sorted(slugs) or ["user"], pl.String)
    faker = Faker(locale)
    faker.seed_instance(hash_name(name))
    draw = _DRAWS[name]
    values = {draw(faker) for _ in range(POOL_SIZE * 2)}
    return pl.Series(name, sorted(values)[:POOL_SIZE], pl.String)


def hash_name(name: str) -> int:
    """A stable small integer per pool name (``hash()`` is salted per process)."""
    return int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big")


def pick(name: str, locale: str, index: pl.Expr) -> pl.Expr:
    """The pool value at ``index`` modulo the pool's size (null index → null).

    The index is cast to an Enum of the (distinct) pool values: unlike gathering from a
    literal Series, this keeps Polars' streaming engine streaming.
    """
    values = pool(name, locale)
    return (index % len(values)).cast(pl.UInt32).cast(pl.Enum(values)).cast(pl.String)
