"""``fake``: realistic values, deterministic per (key, domain, value).

Identifier kinds are keyed format-preserving permutations (distinct inputs never share a
fake; check digits valid): ``phone`` (:mod:`.phone`), ``ip`` (:mod:`.ip`), ``postcode``,
``iban``, ``credit_card``, ``ssn`` (:mod:`.identifiers`); they run per distinct value of each
batch, in Polars. Pooled kinds (:mod:`.people`) pick from shipped Faker pools with the value's
HMAC, or with its person's HMAC when rules share a ``person`` group.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import TYPE_CHECKING

import polars as pl

from privprep.errors import Problem, ReasonCode
from privprep.policy.columns import Fake
from privprep.policy.model import Policy
from privprep.transforms.identifiers import permute_cards, permute_ibans, permute_postcodes, permute_ssns
from privprep.transforms.ip import permute_ips
from privprep.transforms.keyed import NOT_BOOLEAN, hmac_hex
from privprep.transforms.people import known_locale, locale_of, pooled_fake
from privprep.transforms.phone import KEEP_FIRST as PHONE_KEEP
from privprep.transforms.phone import permute_phones
from privprep.transforms.registry import Context, register

if TYPE_CHECKING:
    from privprep.plan import Plan

FAKE_KINDS: dict[str, str | None] = {
    "name": "PERSON", "first_name": None, "last_name": None, "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER", "address": None, "street": None, "city": "LOCATION", "postcode": "ZIP_CODE",
    "company": None, "username": None, "date_of_birth": "DATE_OF_BIRTH", "ip": "IP_ADDRESS",
    "iban": "IBAN_CODE", "credit_card": "CREDIT_CARD", "url": "URL", "ssn": "US_SSN",
}  # fmt: skip
"""Every fake kind, and the detected entity whose spans it replaces under ``scrub`` ``with: fake``."""
ENTITY_FAKES = {entity: kind for kind, entity in FAKE_KINDS.items() if entity is not None}
"""Entity → fake kind: what ``scrub`` ``with: fake`` can replace."""
PERSON_KINDS = ("name", "first_name", "last_name", "email", "username")
LOCALE_KINDS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "username",
    "address",
    "street",
    "city",
    "company",
    "url",
)
OPTION_KINDS = {"keep_first": ("phone", "credit_card"), "keep_bits": ("ip",), "keep_bits_v6": ("ip",),
                "person": PERSON_KINDS, "locale_from": LOCALE_KINDS}  # fmt: skip
"""Which kinds take each option (any other kind refuses it at policy load)."""


def _or(option: int | None, default: int) -> int:
    return default if option is None else option


CARD_KEEP = 6  # credit_card: the BIN (network and issuer) is kept unless keep_first says otherwise
Permute = Callable[[pl.Series, str, Fake], pl.Series]
PERMUTATIONS: dict[str, Permute] = {
    "phone": lambda text, key, rule: permute_phones(text, key, _or(rule.keep_first, PHONE_KEEP)),
    "ip": lambda text, key, rule: permute_ips(text, key, rule.keep_bits or 0, rule.keep_bits_v6 or 0),
    "postcode": lambda text, key, rule: permute_postcodes(text, key),
    "iban": lambda text, key, rule: permute_ibans(text, key),
    "credit_card": lambda text, key, rule: permute_cards(text, key, _or(rule.keep_first, CARD_KEEP)),
    "ssn": lambda text, key, rule: permute_ssns(text, key),
}  # fmt: skip


def per_distinct(permute: Callable[[pl.Series], pl.Series], text: pl.Series) -> pl.Series:
    """``permute`` run once per distinct value of the batch, joined back in row order."""
    distinct = text.unique()
    if len(distinct) == len(text):
        return permute(text)
    lookup = pl.DataFrame({"text": distinct, "fake": permute(distinct)})
    joined = text.to_frame("text").join(
        lookup, on="text", how="left", maintain_order="left", nulls_equal=True
    )
    return joined["fake"].alias(text.name)


def fake_values(values: pl.Series, kind: str, locale: str, key_hex: str) -> pl.Series:
    """Fakes for eager values (e.g. spans found in free text): same result as the operator."""
    if kind in PERMUTATIONS:
        return per_distinct(
            partial(PERMUTATIONS[kind], key=key_hex, rule=Fake(kind=kind)), values.cast(pl.String)
        )
    frame = values.to_frame("v").with_columns(d=hmac_hex(pl.col("v"), key_hex))
    return frame.select(_pooled_expr(kind, locale)).to_series()


@lru_cache(maxsize=64)
def _pooled_expr(kind: str, locale: str) -> pl.Expr:
    """Built once per (kind, locale): building its pool picks (Enum casts) takes milliseconds."""
    return pooled_fake(pl.col("d"), kind, locale)


def person_members(policy: Policy, group: str) -> list[tuple[str, Fake]]:
    """The ``columns:`` rules of a person group, in a table-independent order (kind, column)."""
    members = [(c, r) for c, r in policy.columns.items() if isinstance(r, Fake) and r.person == group]
    return sorted(members, key=lambda m: (m[1].kind, m[0]))


def validate(rule: Fake, policy: Policy) -> list[Problem]:
    """Known kind; each option only on the kinds that take it; one locale and ``by`` per person group."""
    if rule.kind not in FAKE_KINDS:
        message = f"unknown fake kind {rule.kind!r}; known: {', '.join(FAKE_KINDS)}"
        return [Problem("kind", message, code=ReasonCode.POLICY_INVALID)]
    problems = [
        Problem(option, f"kind {rule.kind!r} takes no {option}; it applies to: {', '.join(kinds)}",
                code=ReasonCode.POLICY_INVALID)
        for option, kinds in OPTION_KINDS.items()
        if getattr(rule, option) is not None and rule.kind not in kinds
    ]  # fmt: skip
    if rule.by is not None and rule.person is None:
        problems.append(Problem("by", "by names the person of a person group: set person too",
                                code=ReasonCode.POLICY_INVALID))  # fmt: skip
    if rule.person is not None:
        shared = {(r.locale, r.locale_from, r.by) for _, r in person_members(policy, rule.person)}
        if len(shared) > 1:
            problems.append(Problem("person", f"the rules of person group {rule.person!r} must share locale,"
                                    " locale_from and by", code=ReasonCode.POLICY_INVALID))  # fmt: skip
    return problems


def _reads(rule: Fake) -> dict[str, str | None]:
    return {"locale_from": rule.locale_from, "by": rule.by}


def _entity(expr: pl.Expr, rule: Fake, ctx: Context) -> tuple[pl.Expr, str]:
    """What the fake is keyed on, and the key: the value, or the person of its group."""
    if rule.person is None:
        return expr, ctx.column_key("fake", rule.domain)
    key = ctx.column_key("fake", f"person:{rule.person}")
    if rule.by is not None:
        return pl.col(rule.by), key
    parts = [pl.col(c).cast(pl.String).fill_null("") for c, _ in person_members(ctx.policy, rule.person)]
    return pl.concat_str(parts, separator="\x1f"), key


@register("fake", rule=Fake, keyed=True, dtypes=NOT_BOOLEAN, validate=validate, reads=_reads)
def fake(expr: pl.Expr, rule: Fake, ctx: Context) -> pl.Expr:
    if rule.kind in PERMUTATIONS:
        permute = partial(PERMUTATIONS[rule.kind], key=ctx.column_key("fake", rule.domain), rule=rule)
        run = partial(per_distinct, permute)
        return expr.cast(pl.String).map_batches(run, return_dtype=pl.String, is_elementwise=True)
    entity, key_hex = _entity(expr, rule, ctx)
    digest = ctx.stage(hmac_hex(entity, key_hex))
    locale = rule.locale if rule.locale_from is None else locale_of(pl.col(rule.locale_from), rule.locale)
    out = pooled_fake(digest, rule.kind, locale)
    return out if rule.person is None else pl.when(expr.is_not_null()).then(out)


def locale_misses(plan: Plan, frame: pl.LazyFrame) -> dict[str, int] | None:
    """Per fake column with ``locale_from``: rows whose country names no locale (one pass, counts only)."""
    sources = {
        c.name: c.rule.locale_from
        for c in plan.output_columns
        if isinstance(c.rule, Fake) and c.rule.locale_from
    }
    if not sources:
        return None
    counts = frame.select(
        known_locale(pl.col(src)).is_null().sum().alias(col) for col, src in sources.items()
    )
    return {col: int(n) for col, n in counts.collect().row(0, named=True).items()}
