"""Scalar twin of :func:`privprep.transforms.people.pooled_fake`: a digest's fake in microseconds.

The expression picks pool entries by 32-bit digest slots (an Enum cast per pick, which costs a
millisecond to build); here the same pools are Python lists indexed by the same slots. Slugs of
names (e-mails, user names) are the operator's own per-pool
:func:`~privprep.transforms.pools.slugs`, so they are exact whatever Unicode the pool holds.
Proven equal by tests/serve and checked again by the compile-time probe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from privprep.transforms.people import DOB_DAYS, DOB_START, NUMBERS
from privprep.transforms.pools import FIRST_SLOT, LAST_SLOT, NUMBER_SLOT, pool, slugs

Pooled = Callable[[str], Any]  # hex digest → fake
_DOB_START = dt.date.fromisoformat(DOB_START)


@lru_cache(maxsize=256)
def _values(name: str, locale: str) -> list[str]:
    return pool(name, locale).to_list()


@lru_cache(maxsize=256)
def _slugs(name: str, locale: str) -> list[str]:
    return slugs(name, locale).to_list()


def _slot(digest: str, start: int, width: int = 8) -> int:
    return int(digest[start : start + width], 16)


def _pick(values: list[str], digest: str, slot: int) -> str:
    return values[_slot(digest, 8 * slot) % len(values)]


@lru_cache(maxsize=256)
def pooled(kind: str, locale: str) -> Pooled:
    """``digest -> fake`` for a pooled ``kind`` in ``locale`` (what ``pooled_fake`` gives it)."""
    first, last = _values("first_name", locale), _values("last_name", locale)

    def filled(template: str, digest: str, first_slot: int, last_slot: int) -> str:
        out = template.replace(NUMBER_SLOT, str(_slot(digest, 56) % 9999 + 1), 1)
        slots = ((FIRST_SLOT, first, first_slot, 2), (LAST_SLOT, last, last_slot, 3))
        for marker, names, start, count in slots:
            for i in range(count):
                out = out.replace(marker, _pick(names, digest, (start + i) % 8), 1)
        return out

    def handle(digest: str) -> str:
        draw = _slot(digest, 24)
        separator = (".", "_", "")[draw % 3]
        first_slug = _pick(_slugs("first_name", locale), digest, 0)
        return f"{first_slug}{separator}{_pick(_slugs('last_name', locale), digest, 1)}{draw // 3 % NUMBERS}"

    if kind in ("first_name", "last_name", "url"):
        values, slot = _values(kind, locale), {"last_name": 1}.get(kind, 0)
        return lambda digest: _pick(values, digest, slot)
    if kind in ("street", "city", "company"):
        templates = _values(kind, locale)
        return lambda digest: filled(_pick(templates, digest, 0), digest, 1, 2)
    if kind == "name":
        return lambda digest: f"{_pick(first, digest, 0)} {_pick(last, digest, 1)}"
    if kind == "address":
        postcodes, cities, streets = (_values(n, locale) for n in ("postcode", "city", "street"))

        def address(digest: str) -> str:
            city = f"{_pick(postcodes, digest, 2)} {filled(_pick(cities, digest, 3), digest, 0, 1)}"
            return f"{filled(_pick(streets, digest, 4), digest, 5, 6)}, {city}"

        return address
    if kind == "email":
        domains = _values("email_domain", locale)
        return lambda digest: f"{handle(digest)}@{_pick(domains, digest, 2)}"
    if kind == "username":
        return handle
    if kind == "date_of_birth":
        return lambda digest: _DOB_START + dt.timedelta(days=_slot(digest, 40, 12) % DOB_DAYS)
    raise ValueError(f"unknown fake kind {kind!r}")
