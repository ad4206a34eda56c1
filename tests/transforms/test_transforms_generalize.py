"""generalize: dates to year/month/decade (mixed-format strings too), prefixes, bins, round_to, top/bottom."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from core_helpers import one, transform

DATE_STRINGS = [
    # text as typed, (year, month)
    ("1984-03-07", (1984, 3)),
    ("07/03/1984", (1984, 3)),  # day first
    ("12/25/1990", (1990, 12)),  # not a valid day-first date: read month first
    ("March 7, 1984", (1984, 3)),
    ("7 March 1984", (1984, 3)),
    ("1984/3/7", (1984, 3)),
    ("1984/03/07", (1984, 3)),
    ("07.03.1984", (1984, 3)),
    ("n/a", None),
    ("unknown", None),
    ("", None),
    ("??", None),
    ("00/00/0000", None),
    ("1984-13-45", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), DATE_STRINGS)
def test_date_strings_in_mixed_formats(text: str | None, expected: tuple[int, int] | None) -> None:
    year = one([text], {"action": "generalize", "to": "year"}, pl.String)
    month = one([text], {"action": "generalize", "to": "month"}, pl.String)
    decade = one([text], {"action": "generalize", "to": "decade"}, pl.String)
    if expected is None:
        assert (year, month, decade) == ([None], [None], [None])
    else:
        y, m = expected
        assert (year, month, decade) == ([y], [f"{y}-{m:02d}"], [y // 10 * 10])


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([dt.date(1984, 3, 7), dt.date(1999, 12, 31), dt.date(2000, 1, 1), None], pl.Date),
        (
            [dt.datetime(1984, 3, 7, 23, 59), dt.datetime(1999, 12, 31), dt.datetime(2000, 1, 1), None],
            pl.Datetime("us"),
        ),
        (
            [dt.datetime(1984, 3, 7, 1), dt.datetime(1999, 12, 31), dt.datetime(2000, 1, 1), None],
            pl.Datetime("ms", "UTC"),
        ),
    ],
)
def test_dates_and_datetimes(values: list[Any], dtype: pl.DataType) -> None:
    frame = pl.DataFrame({"y": values, "m": values, "d": values}, schema={c: dtype for c in "ymd"})
    out = transform(
        frame,
        {
            c: {"action": "generalize", "to": t}
            for c, t in zip("ymd", ["year", "month", "decade"], strict=True)
        },
    )
    assert out.schema == pl.Schema({"y": pl.Int32, "m": pl.String, "d": pl.Int32})
    assert out.rows() == [
        (1984, "1984-03", 1980),
        (1999, "1999-12", 1990),
        (2000, "2000-01", 2000),
        (None, None, None),
    ]


@pytest.mark.parametrize(
    ("values", "dtype", "n", "expected"),
    [
        (
            ["02139", "10001-1234", "9", "", None, "日本語"],
            pl.String,
            3,
            ["021", "100", "9", "", None, "日本語"[:3]],
        ),
        ([501, 94110, None], pl.Int64, 2, ["50", "94", None]),
        (["abc"], pl.String, 0, [""]),
    ],
)
def test_keep_prefix(values: list[Any], dtype: pl.DataType, n: int, expected: list[Any]) -> None:
    assert one(values, {"action": "generalize", "keep_prefix": n}, dtype) == expected


BINS = [18, 30, 45, 65]
BIN_TABLE = [
    (-1, "<18"),
    (0, "<18"),
    (17, "<18"),
    (18, "[18, 30)"),
    (29, "[18, 30)"),
    (30, "[30, 45)"),
    (44, "[30, 45)"),
    (45, "[45, 65)"),
    (64, "[45, 65)"),
    (65, ">=65"),
    (120, ">=65"),
    (None, None),
]


@pytest.mark.parametrize(("value", "label"), BIN_TABLE)
@pytest.mark.parametrize("dtype", [pl.Int64, pl.Int16, pl.Float64])
def test_bins_are_half_open_on_the_left(value: int | None, label: str | None, dtype: pl.DataType) -> None:
    assert one([value], {"action": "generalize", "bins": BINS}, dtype) == [label]


@pytest.mark.parametrize(
    ("bins", "value", "label"),
    [
        ([0.5, 1.5], 0.49, "<0.5"),
        ([0.5, 1.5], 0.5, "[0.5, 1.5)"),
        ([0.5, 1.5], 1.4999, "[0.5, 1.5)"),
        ([0.5, 1.5], 1.5, ">=1.5"),
        ([100], 99.99, "<100"),
        ([100], 100.0, ">=100"),
    ],
)
def test_bin_edges_with_fractions_and_a_single_edge(bins: list[float], value: float, label: str) -> None:
    assert one([value], {"action": "generalize", "bins": bins}, pl.Float64) == [label]


ROUND_TABLE = [
    # params, input, expected
    ({"round_to": 1000}, 52_499.99, 52_000.0),
    ({"round_to": 1000}, 999.99, 0.0),
    ({"round_to": 1000}, -0.5, -1000.0),
    ({"round_to": 1000, "top": 250_000}, 1_500_000.0, 250_000.0),
    ({"round_to": 1000, "top": 250_000}, 250_999.0, 250_000.0),
    ({"round_to": 1000, "top": 250_000}, 249_999.0, 249_000.0),
    ({"round_to": 1000, "bottom": 0}, -5.0, 0.0),
    ({"round_to": 1000, "top": 250_000, "bottom": 0}, None, None),
    ({"round_to": 0.5}, 2.74, 2.5),
    ({"round_to": 0.25}, -0.1, -0.25),
]


@pytest.mark.parametrize(("params", "value", "expected"), ROUND_TABLE)
def test_round_to_floors_then_codes_top_and_bottom(
    params: dict[str, Any], value: float | None, expected: Any
) -> None:
    assert one([value], {"action": "generalize", **params}, pl.Float64) == [expected]


@pytest.mark.parametrize(
    ("params", "values", "expected"),
    [
        ({"round_to": 5}, [-5, -4, 0, 7, 12, None], [-5, -5, 0, 5, 10, None]),
        ({"round_to": 10, "top": 100, "bottom": 20}, [5, 55, 300], [20, 50, 100]),
        ({"round_to": 2.5}, [7, 10], [5, 10]),
    ],
)
def test_round_to_keeps_integer_columns_integer(
    params: dict[str, Any], values: list[Any], expected: list[Any]
) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Int32})
    out = transform(frame, {"v": {"action": "generalize", **params}})
    assert out.schema["v"] == pl.Int32 and out["v"].to_list() == expected


def test_generalize_coarsens_the_sample(sample: pl.DataFrame) -> None:
    out = transform(
        sample,
        {
            "birth_date": {"action": "generalize", "to": "year"},
            "birth_date_str": {"action": "generalize", "to": "year"},
            "salary": {"action": "generalize", "round_to": 1000, "top": 250000, "bottom": 0},
            "age": {"action": "generalize", "bins": BINS},
            "zip": {"action": "generalize", "keep_prefix": 3},
        },
        unlisted="drop",
    )
    parsed = out.filter(pl.col("birth_date_str").is_not_null())
    assert parsed.height / out.height > 0.97  # only the ~2% garbage strings fail to parse
    assert (parsed["birth_date_str"] == parsed["birth_date"]).all()
    assert (
        out["salary"].drop_nulls().is_between(0, 250_000).all()
        and (out["salary"].drop_nulls() % 1000 == 0).all()
    )
    assert set(out["age"].unique()) <= {"<18", "[18, 30)", "[30, 45)", "[45, 65)", ">=65"}
    assert (out["zip"].str.len_chars() == 3).all()
