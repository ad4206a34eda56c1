"""Column actions: what happens to one column. Short form ``col: drop`` is accepted."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag, model_validator

from privprep.policy.base import Spec

Domain = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _known_locale(locale: str) -> str:
    from faker.config import AVAILABLE_LOCALES  # Faker scans its locales on import: only when one is named

    if locale not in AVAILABLE_LOCALES:
        raise ValueError(f"unknown locale {locale!r}; known: {', '.join(sorted(AVAILABLE_LOCALES))}")
    return locale


Locale = Annotated[str, AfterValidator(_known_locale)]


class Keep(Spec):
    """Pass the column through unchanged."""

    action: Literal["keep"] = "keep"


class Drop(Spec):
    """Remove the column from the output."""

    action: Literal["drop"] = "drop"


class Redact(Spec):
    """Replace every non-null value with a constant string."""

    action: Literal["redact"] = "redact"
    text: str = "[REDACTED]"


class Mask(Spec):
    """Replace characters with ``char``, keeping ``keep_first``/``keep_last`` characters."""

    action: Literal["mask"] = "mask"
    keep_first: int = Field(0, ge=0)
    keep_last: int = Field(0, ge=0)
    char: str = Field("*", min_length=1, max_length=1)


class Pseudonymize(Spec):
    """Keyed HMAC-SHA256 token; columns sharing a ``domain`` share tokens.

    ``format``: ``hex`` (a String of ``length`` hex characters, 4·length bits), ``base32`` (the
    same bits as ``length / 2`` bytes in RFC 4648 base32, lower case, unpadded: 26 characters for
    the default 128 bits), ``binary`` (those bytes) or ``int64`` (the first 64 bits as a signed Int64).
    """

    action: Literal["pseudonymize"] = "pseudonymize"
    domain: Domain | None = None
    length: int = Field(32, ge=16, le=64, description="hex characters kept")
    prefix: str = ""
    format: Literal["hex", "base32", "binary", "int64"] = "hex"

    @model_validator(mode="after")
    def _fits_format(self) -> Pseudonymize:
        if self.format not in ("hex", "base32") and self.prefix:
            raise ValueError(f"prefix applies only to format: hex or base32 (got format: {self.format})")
        if self.format == "int64" and "length" in self.model_fields_set:
            raise ValueError("length does not apply to format: int64 (always 64 bits)")
        if self.format in ("binary", "base32") and self.length % 2:
            raise ValueError(f"format: {self.format} needs an even length (two hex characters per byte)")
        return self


class Fake(Spec):
    """Realistic fake value, deterministic per (key, domain, value); the operator checks which
    options a kind takes (its FAKE_KINDS table is the one list of kinds)."""

    action: Literal["fake"] = "fake"
    kind: str
    locale: Locale = "en_US"
    domain: Domain | None = None
    keep_first: int | None = Field(
        None, ge=0, le=8, description="phone: national digits kept (1); credit_card: leading digits kept (6)"
    )
    keep_bits: int | None = Field(None, ge=0, le=31, description="ip: leading IPv4 bits kept (0)")
    keep_bits_v6: int | None = Field(None, ge=0, le=127, description="ip: leading IPv6 bits kept (0)")
    person: Domain | None = Field(
        None, description="rules naming the same person group describe one fake person"
    )
    by: str | None = Field(
        None, description="person: the column identifying the person (default: the group's values)"
    )
    locale_from: str | None = Field(
        None, description="column of ISO country codes or names giving each row's locale"
    )


class Generalize(Spec):
    """Coarsen a value: exactly one of ``to``, ``keep_prefix``, ``bins``, ``round_to``."""

    action: Literal["generalize"] = "generalize"
    to: Literal["year", "month", "decade"] | None = None
    keep_prefix: int | None = Field(None, ge=0)
    bins: list[float] | None = Field(None, min_length=1)
    round_to: float | None = Field(None, gt=0)
    top: float | None = None
    bottom: float | None = None

    @model_validator(mode="after")
    def _exactly_one_method(self) -> Generalize:
        methods = [m for m in ("to", "keep_prefix", "bins", "round_to") if getattr(self, m) is not None]
        if len(methods) != 1:
            raise ValueError(
                "generalize needs exactly one of: to, keep_prefix, bins, round_to"
                f" (got {', '.join(methods) or 'none'})"
            )
        if self.bins is not None and any(a >= b for a, b in zip(self.bins, self.bins[1:], strict=False)):
            raise ValueError("bins must be strictly increasing")
        if (self.top is not None or self.bottom is not None) and self.round_to is None:
            raise ValueError("top and bottom go with round_to")
        if self.top is not None and self.bottom is not None and self.bottom >= self.top:
            raise ValueError("bottom must be below top")
        return self


class ShiftDate(Spec):
    """Shift dates by a keyed offset in [-max_days, max_days], the same for every row of ``by``."""

    action: Literal["shift_date"] = "shift_date"
    max_days: int = Field(gt=0, le=3650)
    by: str | None = None
    domain: Domain | None = None
    granularity: Literal["day", "second"] | None = Field(
        None, description="second (default for Datetime: the time of day changes too) or day (Date, strings)"
    )


class Scrub(Spec):
    """Replace detected entity spans inside free text."""

    action: Literal["scrub"] = "scrub"
    entities: list[str] = Field(
        default_factory=lambda: ["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION"], min_length=1
    )
    with_: Literal["redact", "mask", "fake", "pseudonymize", "tag"] = Field("tag", alias="with")
    locale: Locale = "en_US"
    domain: Domain | None = None
    from_columns: list[str] | Literal["auto", "none"] = Field(
        "auto",
        description="columns whose input values are looked for in the text: a list, auto (every protected"
        " or PII column) or none",
    )
    max_values: int = Field(
        250_000, ge=1, description="distinct values per source column above which the dictionary is sampled"
    )


def _action_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("action")
    return getattr(value, "action", None)


ColumnRule = Annotated[
    Annotated[Keep, Tag("keep")]
    | Annotated[Drop, Tag("drop")]
    | Annotated[Redact, Tag("redact")]
    | Annotated[Mask, Tag("mask")]
    | Annotated[Pseudonymize, Tag("pseudonymize")]
    | Annotated[Fake, Tag("fake")]
    | Annotated[Generalize, Tag("generalize")]
    | Annotated[ShiftDate, Tag("shift_date")]
    | Annotated[Scrub, Tag("scrub")],
    Discriminator(_action_tag, custom_error_type="unknown_action", custom_error_message="unknown action"),
]


def expand_short_form(value: Any) -> Any:
    """``drop`` → ``{"action": "drop"}``; mappings pass through."""
    return {"action": value} if isinstance(value, str) else value
