"""Scalar twins of the row-local operators: ``row -> value``, equal to what the operator's Polars
expression gives that row (tests/serve prove it by property over random rows; :mod:`.probe`
checks it again at compile time and falls back to the expression on any difference).

A twin is built per column from the same rule and :class:`~privprep.transforms.Context` as the
expression; it derives the same key, reads the same pools and date formats. ``None`` (no twin for
this rule or dtype) or :class:`Unsupported` raised for one value (NaN, a date out of Python's
range) send that column, or that value, through the Polars expression on a one-row frame.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import hmac
import math
import re
from base64 import b32encode
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl

from privprep.serve.fakes import pooled
from privprep.serve.values import text_twin
from privprep.transforms import Context
from privprep.transforms.dates import as_date
from privprep.transforms.fake import PERMUTATIONS, fake_values
from privprep.transforms.generalize import bin_labels
from privprep.transforms.shift_date import SECONDS_PER_DAY

Row = dict[str, Any]
RowFn = Callable[[Row], Any]
Factory = Callable[[Any, Context], RowFn | None]
_TWINS: dict[str, Factory] = {}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Unsupported(Exception):  # a signal, not a failure
    """This value has no exact scalar form: compute it with the operator's expression."""


def twin(action: str) -> Callable[[Factory], Factory]:
    def decorate(factory: Factory) -> Factory:
        _TWINS[action] = factory
        return factory

    return decorate


def scalar_twin(rule: Any, ctx: Context) -> RowFn | None:
    """The twin of ``rule`` on ``ctx.column``, or ``None`` when only the expression is exact."""
    factory = _TWINS.get(rule.action)
    return factory(rule, ctx) if factory is not None else None


def hmac_hex(key_hex: str) -> Callable[[str], str]:
    """``text -> hex HMAC-SHA256`` under ``key_hex``, as :func:`privprep.transforms.keyed.hmac_hex`."""
    base = hmac.new(key_hex.encode(), digestmod=hashlib.sha256)

    def digest(text: str) -> str:
        mac = base.copy()
        mac.update(text.encode())
        return mac.hexdigest()

    return digest


@twin("keep")
def _keep(rule: Any, ctx: Context) -> RowFn:
    name = ctx.column
    return lambda row: row[name]


@twin("redact")
def _redact(rule: Any, ctx: Context) -> RowFn:
    name, text = ctx.column, rule.text
    return lambda row: None if row[name] is None else text


@twin("mask")
def _mask(rule: Any, ctx: Context) -> RowFn | None:
    name, as_text = ctx.column, text_twin(ctx.dtype)
    if as_text is None:
        return None
    first, last, char = rule.keep_first, rule.keep_last, rule.char

    def mask(row: Row) -> Any:
        value = row[name]
        if value is None:
            return None
        text = as_text(value)
        n = len(text)
        if n > first + last:
            return text[:first] + char * (n - first - last) + text[n - last :]
        return char * n

    return mask


def _base32(data: bytes) -> str:
    return b32encode(data).decode().rstrip("=").lower()


@twin("pseudonymize")
def _pseudonymize(rule: Any, ctx: Context) -> RowFn | None:
    name, as_text = ctx.column, text_twin(ctx.dtype)
    if as_text is None:
        return None
    digest = hmac_hex(ctx.column_key("pseudonymize", rule.domain))
    length, prefix = rule.length, rule.prefix
    token: Callable[[str], Any] = {
        "hex": lambda text: prefix + digest(text)[:length],
        "binary": lambda text: bytes.fromhex(digest(text)[:length]),
        "base32": lambda text: prefix + _base32(bytes.fromhex(digest(text)[:length])),
        "int64": lambda text: int.from_bytes(bytes.fromhex(digest(text)[:16]), "big", signed=True),
    }[rule.format]

    def pseudonymize(row: Row) -> Any:
        value = row[name]
        return None if value is None else token(as_text(value))

    return pseudonymize


@twin("fake")
def _fake(rule: Any, ctx: Context) -> RowFn | None:
    """Pooled kinds: the value's HMAC picked from the pools in Python (:mod:`.fakes`); the keyed
    permutations (phone, ip, ...) run the operator's own function on the one value.

    Person groups, ``locale_from`` and per-kind options read other columns or settings that
    function does not take: those rules run their Polars expression.
    """
    name, as_text = ctx.column, text_twin(ctx.dtype)
    options = (rule.person, rule.locale_from, rule.keep_first, rule.keep_bits, rule.keep_bits_v6)
    if as_text is None or any(o is not None for o in options):
        return None
    key, kind, locale = ctx.column_key("fake", rule.domain), rule.kind, rule.locale
    if kind not in PERMUTATIONS:
        digest, pick = hmac_hex(key), pooled(kind, locale)
        return lambda row: None if row[name] is None else pick(digest(as_text(row[name])))

    def fake(row: Row) -> Any:
        value = row[name]
        if value is None:
            return None
        return fake_values(pl.Series([as_text(value)], dtype=pl.String), kind, locale, key)[0]

    return fake


def date_reader(ctx: Context) -> Callable[[Any], Any] | None:
    """Twin of :func:`privprep.transforms.dates.as_date`: strings parsed as the expression parses them."""
    dtype = ctx.dtype
    if dtype == pl.Date or dtype == pl.Datetime("us"):
        return lambda value: value
    if dtype != pl.String:
        return None
    parse_expr = as_date(pl.first(), ctx)

    @lru_cache(maxsize=65_536)
    def parse(text: str) -> dt.date | None:
        if _ISO_DATE.fullmatch(text):  # the first format, %Y-%m-%d
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        return pl.Series([text], dtype=pl.String).to_frame().select(parse_expr).item()

    return parse


@twin("shift_date")
def _shift_date(rule: Any, ctx: Context) -> RowFn | None:
    name, dtype, by = ctx.column, ctx.dtype, rule.by or ctx.column
    read, entity_text = date_reader(ctx), text_twin(ctx.schema[by])
    if read is None or entity_text is None:
        return None
    seconds = (rule.granularity or ("second" if isinstance(dtype, pl.Datetime) else "day")) == "second"
    bound = rule.max_days * (SECONDS_PER_DAY if seconds else 1)
    digest = hmac_hex(ctx.column_key("shift_date", rule.domain))
    as_string = dtype == pl.String

    def shift(row: Row) -> Any:
        value, entity = row[name], row[by]
        date = None if value is None else read(value)
        if date is None or entity is None:
            return None
        draw = int(digest(entity_text(entity))[:12], 16) % (2 * bound)
        offset = draw - bound + (draw >= bound)
        try:
            shifted = date + (dt.timedelta(seconds=offset) if seconds else dt.timedelta(days=offset))
        except OverflowError:
            raise Unsupported from None
        return shifted.isoformat() if as_string else shifted

    return shift


@twin("generalize")
def _generalize(rule: Any, ctx: Context) -> RowFn | None:
    name, dtype = ctx.column, ctx.dtype
    if rule.to is not None:
        read = date_reader(ctx)
        return None if read is None else _date_to(name, read, rule.to)
    if rule.keep_prefix is not None:
        as_text, n = text_twin(dtype), rule.keep_prefix
        if as_text is None:
            return None
        return lambda row: None if row[name] is None else as_text(row[name])[:n]
    if not (dtype.is_integer() or dtype == pl.Float64):
        return None
    number = _binned(rule.bins) if rule.bins is not None else _rounded(rule, dtype.is_integer())

    def generalize(row: Row) -> Any:
        value = row[name]
        if value is None:
            return None
        if isinstance(value, float) and math.isnan(value):
            raise Unsupported
        return number(value)

    return generalize


def _date_to(name: str, read: Callable[[Any], Any], to: str) -> RowFn:
    def coarsen(row: Row) -> Any:
        value = row[name]
        date = None if value is None else read(value)
        if date is None:
            return None
        if to == "year":
            return date.year
        if to == "decade":
            return date.year // 10 * 10
        return f"{date.year:04d}-{date.month:02d}"

    return coarsen


def _binned(bins: list[float]) -> Callable[[Any], str]:
    labels = bin_labels(bins)
    return lambda value: labels[bisect.bisect_right(bins, value)]  # left-closed intervals


def _rounded(rule: Any, integer: bool) -> Callable[[Any], Any]:
    step, bottom, top = rule.round_to or 1, rule.bottom, rule.top

    def rounded(value: Any) -> Any:
        quotient = float(value) / step
        if not math.isfinite(quotient):
            raise Unsupported
        out = math.floor(quotient) * step
        if bottom is not None and out < bottom:
            out = bottom
        if top is not None and out > top:
            out = top
        if not integer:
            return float(out)
        if not math.isfinite(out):
            raise Unsupported
        return int(out)

    return rounded
