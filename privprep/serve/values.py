"""One record's fields against the schema: coerced to the Python value Polars would hold, or refused.

A refusal names the field and the dtype it needs, never the value received (it may be personal
data). :func:`text_of` is the scalar twin of ``cast(pl.String)``, the text every keyed operator
hashes (:func:`privprep.transforms.keyed.as_text`); dtypes it does not cover exactly return
``None`` from :func:`text_twin` and are hashed through Polars instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import polars as pl

from privprep.dtypes import render_dtype
from privprep.errors import PrivprepError, ReasonCode

Coerce = Callable[[Any], Any]
_INT_RANGES = {
    pl.Int8: 8, pl.Int16: 16, pl.Int32: 32, pl.Int64: 64, pl.UInt8: 8, pl.UInt16: 16, pl.UInt32: 32,
    pl.UInt64: 64,
}  # fmt: skip


class RecordError(PrivprepError):
    """A record the transformer refuses (unknown field, wrong type); the HTTP layer answers 422."""


def refuse(field: str, message: str) -> RecordError:
    return RecordError(ReasonCode.INPUT_INVALID, f"field {field!r}: {message}", details={"field": field})


def coercer(name: str, dtype: pl.DataType) -> Coerce:
    """``value -> value`` as a Polars column of ``dtype`` holds it (``None`` stays ``None``)."""
    needs = f"needs {render_dtype(dtype)}"
    if dtype == pl.String:
        return _typed(name, (str,), needs + " (a string)")
    if dtype == pl.Boolean:
        return _typed(name, (bool,), needs + " (true or false)")
    if dtype in _INT_RANGES:
        bits, signed = _INT_RANGES[dtype], dtype.is_signed_integer()  # type: ignore[index]
        low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
        return _integer(name, low, high, needs + f" (an integer in {low}..{high})")
    if dtype == pl.Float64:
        return _float(name, needs + " (a number)")
    if dtype == pl.Date:
        return _temporal(name, dt.date, _parse_date, needs + " (an ISO date, YYYY-MM-DD)")
    if dtype == pl.Datetime("us"):
        return _temporal(name, dt.datetime, _parse_datetime, needs + " (an ISO datetime without time zone)")
    return _through_polars(name, dtype, needs)


def _typed(name: str, kinds: tuple[type, ...], needs: str) -> Coerce:
    def coerce(value: Any) -> Any:
        if value is None or (type(value) in kinds):
            return value
        raise refuse(name, needs)

    return coerce


def _integer(name: str, low: int, high: int, needs: str) -> Coerce:
    def coerce(value: Any) -> Any:
        if value is None or (type(value) is int and low <= value <= high):
            return value
        raise refuse(name, needs)

    return coerce


def _float(name: str, needs: str) -> Coerce:
    def coerce(value: Any) -> Any:
        if value is None:
            return None
        if type(value) in (int, float):
            try:
                return float(value)
            except OverflowError:  # an integer beyond any float
                raise refuse(name, needs) from None
        raise refuse(name, needs)

    return coerce


def _parse_date(text: str) -> dt.date:
    if len(text) != 10:  # fromisoformat also takes 20240101 and week dates
        raise ValueError("not YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def _parse_datetime(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:
        raise ValueError("a time zone")
    return value


def _temporal(name: str, kind: type, parse: Callable[[str], Any], needs: str) -> Coerce:
    def coerce(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is kind and getattr(value, "tzinfo", None) is None:
            return value
        if type(value) is str:
            try:
                return parse(value)
            except ValueError:
                raise refuse(name, needs) from None
        raise refuse(name, needs)

    return coerce


def _through_polars(name: str, dtype: pl.DataType, needs: str) -> Coerce:
    """Other dtypes (Float32, Decimal, Enum, Time, ...): the value Polars stores for it, strictly."""

    def coerce(value: Any) -> Any:
        if value is None:
            return None
        try:
            return pl.Series([value], dtype=dtype, strict=True).item()
        except Exception:  # the library's message may quote the value
            raise refuse(name, needs) from None

    return coerce


def text_twin(dtype: pl.DataType) -> Callable[[Any], str] | None:
    """``value -> cast(pl.String)`` for dtypes whose text form is reproduced exactly, else ``None``."""
    if dtype == pl.String:
        return str
    if dtype.is_integer():
        return str
    if dtype == pl.Boolean:
        return lambda value: "true" if value else "false"
    if dtype == pl.Float64:
        return float_text
    if dtype == pl.Date:
        return dt.date.isoformat
    if dtype == pl.Datetime("us"):
        return _datetime_text
    return None


def float_text(value: float) -> str:
    """Polars' text of a Float64: Python's shortest repr, exponent without ``+`` or padding."""
    if math.isnan(value):
        return "NaN"
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = int(exponent)
    if power == -5:  # Polars writes 1e-5 ≤ |x| < 1e-4 in decimal, Python in exponent form
        sign, digits = ("-", mantissa[1:]) if mantissa.startswith("-") else ("", mantissa)
        return f"{sign}0.0000{digits.replace('.', '')}"
    return f"{mantissa}e{power}"


def _datetime_text(value: dt.datetime) -> str:
    return value.isoformat(sep=" ", timespec="microseconds")


def unknown_fields(count: int, known: list[str]) -> RecordError:
    """Unknown names are not quoted: a name sent by a client may itself be a value."""
    message = f"{count} unknown field(s); the schema has: {', '.join(known)}"
    return RecordError(ReasonCode.INPUT_INVALID, message)


def not_a_record() -> RecordError:
    return RecordError(ReasonCode.INPUT_INVALID, "a record must be an object of field name → value")
