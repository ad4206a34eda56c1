"""Pooled fakes (names, e-mails, places, companies) from a digest, with a locale per rule or per row.

Every part of a fake is read from its own 32-bit slot of one HMAC digest, so the kinds that
read the same digest agree: a ``person`` group's digest gives ``first_name`` (slot 0),
``last_name`` (slot 1) and the e-mail ``maria.lopez4821@…`` of the same fake person.
E-mails and user names carry no tag: ``first``, a separator (``.``, ``_`` or none), ``last`` and a
number below 10^6 make them unique with the bound measured in ``bench/bench_fakes.py``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import polars as pl

from privprep.transforms.keyed import hex_int
from privprep.transforms.pools import FIRST_SLOT, LAST_SLOT, NUMBER_SLOT, pick, pick_per_row


class Picker(Protocol):
    """``part(pool, index)``: the pool's value at ``index``, or its :func:`slug` with ``slugged``."""

    def __call__(self, name: str, index: pl.Expr, slugged: bool = False) -> pl.Expr: ...


NUMBERS = 1_000_000  # e-mail / user-name numbers: 0 .. 999,999
DOB_START, DOB_DAYS = "1940-01-01", 365 * 65
PREFERRED = {"ES": "es_ES", "BE": "nl_BE", "CH": "de_CH", "IN": "en_IN", "IE": "en_IE", "US": "en_US",
             "CA": "en_CA", "FI": "fi_FI", "NO": "no_NO", "LU": "fr_LU", "NZ": "en_NZ"}  # fmt: skip
"""Country → locale where the country has several Faker locales (otherwise the first one sorted)."""


@lru_cache(maxsize=1)
def country_locales() -> dict[str, str]:
    """Lower-cased ISO 3166 alpha-2/alpha-3 codes, country names and locale names → Faker locale
    (pycountry and Faker's locale list are imported on first use: ``locale_from`` rules only)."""
    import pycountry
    from faker.config import AVAILABLE_LOCALES

    by_country: dict[str, str] = {}
    for locale in sorted(AVAILABLE_LOCALES):
        country = locale.rsplit("_", 1)[-1]
        if len(country) == 2 and country.isupper():
            by_country.setdefault(country, PREFERRED.get(country, locale))
    out = {locale.lower(): locale for locale in AVAILABLE_LOCALES}
    for country in pycountry.countries:
        locale = by_country.get(country.alpha_2)
        if locale is None:
            continue
        names = [country.alpha_2, country.alpha_3, country.name]
        names += [getattr(country, a) for a in ("common_name", "official_name") if hasattr(country, a)]
        out.update({n.lower(): locale for n in names})
    out["uk"] = by_country["GB"]
    return out


def locale_of(country: pl.Expr, default: str) -> pl.Expr:
    """Each row's Faker locale from an ISO code or country name column; unknown or null → ``default``."""
    return known_locale(country).fill_null(default)


def known_locale(country: pl.Expr) -> pl.Expr:
    """The locale a country value names, or null (:func:`locale_of` before the default)."""
    mapping = country_locales()
    text = country.cast(pl.String).str.strip_chars().str.to_lowercase()
    return text.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String)


def picker(locale: str | pl.Expr) -> Picker:
    """``pick(pool, index)`` for one locale, or for a locale expression (one per row)."""
    if isinstance(locale, str):
        return lambda name, index, slugged=False: pick(name, locale, index, slugged)

    def per_row(name: str, index: pl.Expr, slugged: bool = False) -> pl.Expr:
        def run(batch: pl.Series) -> pl.Series:
            return pick_per_row(name, batch.struct.field("l"), batch.struct.field("i"), slugged)

        both = pl.struct(i=index, l=locale)
        return pl.when(index.is_not_null()).then(
            both.map_batches(run, return_dtype=pl.String, is_elementwise=True)
        )

    return per_row


def handle(digest: pl.Expr, part: Picker) -> pl.Expr:
    """``maria.lopez4821``: first, separator, last and number, each from its own slot."""
    draw = hex_int(digest, 24)
    separator = (
        pl.when(draw % 3 == 0).then(pl.lit(".")).when(draw % 3 == 1).then(pl.lit("_")).otherwise(pl.lit(""))
    )
    number = (draw // 3 % NUMBERS).cast(pl.String)
    first, last = part("first_name", hex_int(digest, 0), True), part("last_name", hex_int(digest, 8), True)
    return pl.concat_str([first, separator, last, number])


def filled(template: pl.Expr, digest: pl.Expr, part: Picker, first: int, last: int) -> pl.Expr:
    """A street, city or company template with its slots filled: the building number (1–9,999)
    from digest slot 7, first names from slots ``first``, ``first + 1``, last names from
    ``last`` .. ``last + 2`` (slots are 32-bit words of the digest, modulo 8)."""
    number = (hex_int(digest, 56) % 9999 + 1).cast(pl.String)
    out = template.str.replace(NUMBER_SLOT, number, literal=True)
    for slot_name, pool_name, start, count in (
        (FIRST_SLOT, "first_name", first, 2),
        (LAST_SLOT, "last_name", last, 3),
    ):
        for i in range(count):
            name = part(pool_name, hex_int(digest, 8 * ((start + i) % 8)))
            out = out.str.replace(slot_name, name, literal=True, n=1)
    return out


def pooled_fake(digest: pl.Expr, kind: str, locale: str | pl.Expr) -> pl.Expr:
    """The fake of a pooled ``kind`` for each HMAC ``digest`` (hex); null digests give null."""
    part = picker(locale)

    def slot(name: str, i: int) -> pl.Expr:
        return part(name, hex_int(digest, 8 * i))

    if kind in ("first_name", "last_name", "url"):
        return slot(kind, {"last_name": 1}.get(kind, 0))
    if kind in ("street", "city", "company"):
        return filled(slot(kind, 0), digest, part, 1, 2)
    if kind == "name":
        return pl.concat_str([slot("first_name", 0), slot("last_name", 1)], separator=" ")
    if kind == "address":
        city = pl.concat_str(
            [slot("postcode", 2), filled(slot("city", 3), digest, part, 0, 1)], separator=" "
        )
        return pl.concat_str([filled(slot("street", 4), digest, part, 5, 6), city], separator=", ")
    if kind == "email":
        return pl.concat_str([handle(digest, part), slot("email_domain", 2)], separator="@")
    if kind == "username":
        return handle(digest, part)
    if kind == "date_of_birth":
        return pl.lit(DOB_START).str.to_date() + pl.duration(days=hex_int(digest, 40, 12) % DOB_DAYS)
    raise ValueError(f"unknown fake kind {kind!r}")
