"""``fake``: realistic values, deterministic per (key, domain, value), gathered from Faker pools.

Each value's HMAC (computed once, in the staged projection) picks entries from
Faker pools. Identifier kinds stay unique: ``phone`` is a keyed
permutation of the digits (format kept, so distinct numbers never collide);
``email`` and ``username`` carry a 48-bit keyed tag.
"""

from __future__ import annotations

from functools import partial

import polars as pl

from privprep.errors import Problem, ReasonCode
from privprep.policy.columns import Fake
from privprep.policy.model import Policy
from privprep.transforms.keyed import NOT_BOOLEAN, hex_int, hmac_hex
from privprep.transforms.phone import permute_phones
from privprep.transforms.pools import pick
from privprep.transforms.registry import Context, register

FAKE_KINDS: dict[str, str | None] = {
    "name": "PERSON", "first_name": None, "last_name": None, "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER", "address": None, "street": None, "city": "LOCATION", "postcode": "ZIP_CODE",
    "company": None, "username": None, "date_of_birth": "DATE_OF_BIRTH", "ip": "IP_ADDRESS",
    "iban": "IBAN_CODE", "credit_card": "CREDIT_CARD", "url": "URL",
}  # fmt: skip
"""Every fake kind, and the detected entity whose spans it replaces under ``scrub`` ``with: fake``."""
ENTITY_FAKES = {entity: kind for kind, entity in FAKE_KINDS.items() if entity is not None}
"""Entity → fake kind: what ``scrub`` ``with: fake`` can replace."""
_SINGLE = ("first_name", "last_name", "street", "city", "postcode", "company", "url", "iban", "credit_card")
DOB_START, DOB_DAYS = "1940-01-01", 365 * 65


def fake_from_digest(digest: pl.Expr, kind: str, locale: str) -> pl.Expr:
    """The fake of kind ``kind`` for each HMAC ``digest`` (hex); null digests give null."""

    def part(name: str, slot: int) -> pl.Expr:
        return pick(name, locale, hex_int(digest, 8 * slot))

    if kind in _SINGLE:
        return part(kind, 0)
    if kind == "name":
        return pl.concat_str([part("first_name", 0), part("last_name", 1)], separator=" ")
    if kind == "address":
        city = pl.concat_str([part("postcode", 2), part("city", 3)], separator=" ")
        return pl.concat_str([part("street", 1), city], separator=", ")
    tag = digest.str.slice(40, 12)
    if kind == "email":
        local = pl.concat_str([part("slug:first_name", 0), part("slug:last_name", 1), tag], separator=".")
        return pl.concat_str([local, part("email_domain", 2)], separator="@")
    if kind == "username":
        handle = pl.concat_str([part("slug:first_name", 0), part("slug:last_name", 1)])
        return pl.concat_str([handle, tag], separator="_")
    if kind == "date_of_birth":
        return pl.lit(DOB_START).str.to_date() + pl.duration(days=hex_int(digest, 0, 12) % DOB_DAYS)
    if kind == "ip":
        return pl.concat_str([hex_int(digest, 2 * i, 2) for i in range(4)], separator=".")
    raise ValueError(f"unknown fake kind {kind!r}")


def fake_values(values: pl.Series, kind: str, locale: str, key_hex: str) -> pl.Series:
    """Fakes for eager values (e.g. spans found in free text): same result as the operator."""
    if kind == "phone":
        return permute_phones(values.cast(pl.String), key_hex)
    frame = values.to_frame("v").with_columns(d=hmac_hex(pl.col("v"), key_hex))
    return frame.select(fake_from_digest(pl.col("d"), kind, locale)).to_series()


def validate(rule: Fake, policy: Policy) -> list[Problem]:
    if rule.kind in FAKE_KINDS:
        return []
    message = f"unknown fake kind {rule.kind!r}; known: {', '.join(FAKE_KINDS)}"
    return [Problem("kind", message, code=ReasonCode.POLICY_INVALID)]


@register("fake", rule=Fake, keyed=True, dtypes=NOT_BOOLEAN, validate=validate)
def fake(expr: pl.Expr, rule: Fake, ctx: Context) -> pl.Expr:
    key_hex = ctx.column_key("fake", rule.domain)
    if rule.kind == "phone":
        permute = partial(permute_phones, key_hex=key_hex)
        return expr.cast(pl.String).map_batches(permute, return_dtype=pl.String, is_elementwise=True)
    digest = ctx.stage(hmac_hex(expr, key_hex))
    return fake_from_digest(digest, rule.kind, rule.locale)
