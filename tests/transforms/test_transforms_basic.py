"""keep, drop, redact, mask: tables of input values and expected outputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from core_helpers import one, transform


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        (["a", None, "ü 日本"], pl.String),
        ([1, None, -3], pl.Int64),
        ([1.5, None], pl.Float32),
        ([dt.date(2020, 1, 2), None], pl.Date),
        ([True, None], pl.Boolean),
        ([[1, 2], None], pl.List(pl.Int64)),
    ],
)
def test_keep_is_the_identity(values: list[Any], dtype: pl.DataType) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": dtype})
    assert transform(frame, {"v": "keep"}).equals(frame)


def test_drop_removes_the_column_and_nothing_else() -> None:
    frame = pl.DataFrame({"a": [1], "secret": ["s"], "b": [2]})
    out = transform(frame, {"secret": "drop"})
    assert out.columns == ["a", "b"] and out.row(0) == (1, 2)


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        ("redact", ["a", "", None, "日本"], ["[REDACTED]", "[REDACTED]", None, "[REDACTED]"]),
        ({"action": "redact", "text": "<gone>"}, ["x", None], ["<gone>", None]),
        ({"action": "redact", "text": ""}, ["x", None], ["", None]),
        ("redact", [12, None], ["[REDACTED]", None]),
        ("redact", [dt.date(1990, 1, 1), None], ["[REDACTED]", None]),
    ],
)
def test_redact(rule: Any, values: list[Any], expected: list[Any]) -> None:
    assert one(values, rule) == expected


MASK_TABLE = [
    # rule, input, expected
    ({}, "abcdef", "******"),
    ({}, "a", "*"),
    ({}, "", ""),
    ({}, None, None),
    ({"keep_last": 2}, "+1 555-0142", "*********42"),
    ({"keep_first": 2, "keep_last": 2}, "abcdef", "ab**ef"),
    ({"keep_first": 2, "keep_last": 2, "char": "#"}, "abcde", "ab#de"),
    # too short to keep anything: masked whole, same length
    ({"keep_first": 2, "keep_last": 2}, "abcd", "****"),
    ({"keep_first": 2, "keep_last": 2}, "ab", "**"),
    ({"keep_last": 3}, "ab", "**"),
    ({"keep_first": 10}, "short", "*****"),
    # characters, not bytes
    ({"keep_first": 1, "keep_last": 1}, "héllo wörld", "h*********d"),
    ({"keep_first": 2, "keep_last": 3}, "日本語テキスト", "日本**キスト"),
    ({"keep_last": 1, "char": "•"}, "über", "•••r"),
    ({"keep_first": 1}, "  padded  ", " *********"),
]


@pytest.mark.parametrize(("params", "value", "expected"), MASK_TABLE)
def test_mask(params: dict[str, Any], value: str | None, expected: str | None) -> None:
    assert one([value], {"action": "mask", **params}) == [expected]


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        ([123456, None], pl.Int64, ["****56", None]),
        ([4111111111111111.0], pl.Float64, ["*" * 14 + "11.0"]),
        ([dt.date(1984, 3, 7)], pl.Date, ["********07"]),
    ],
)
def test_mask_casts_scalars_to_text(values: list[Any], dtype: pl.DataType, expected: list[Any]) -> None:
    rule = {"action": "mask", "keep_last": 2 if dtype != pl.Float64 else 4}
    assert one(values, rule, dtype) == expected


def test_operators_never_change_the_row_count_or_order() -> None:
    frame = pl.DataFrame({"a": [f"v{i}" for i in range(100)], "n": list(range(100))})
    out = transform(frame, {"a": {"action": "mask", "keep_first": 1}, "n": "keep"})
    assert out["n"].to_list() == list(range(100)) and out.height == 100
