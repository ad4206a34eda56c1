"""pandas in, pandas out: the index and every dtype survive a run (Hypothesis over dtypes)."""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from core_helpers import KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privprep

SMALL = st.integers(-100, 100)
MONEY = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
WORDS = st.text("abcxyz é", max_size=5)
STAMPS = st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1))
# (dtype, values, may hold nulls)
KINDS: dict[str, tuple[Any, st.SearchStrategy[Any], bool]] = {
    "Int8": ("Int8", SMALL, True),
    "Int32": ("Int32", SMALL, True),
    "UInt16": ("UInt16", st.integers(0, 1000), True),
    "boolean": ("boolean", st.booleans(), True),
    "Float64": ("Float64", st.floats(-1e6, 1e6), True),
    "string": (pd.StringDtype(), WORDS, True),
    "str": ("str", WORDS, True),
    "int64": ("int64", SMALL, False),
    "int16": ("int16", SMALL, False),
    "float64": ("float64", st.floats(-1e6, 1e6), True),
    "bool": ("bool", st.booleans(), False),
    "datetime64": ("datetime64[us]", STAMPS, True),
    "decimal": (object, MONEY, True),
    "date": (object, DAYS, True),
    "a_int32": (pd.ArrowDtype(pa.int32()), SMALL, True),
    "a_date32": (pd.ArrowDtype(pa.date32()), DAYS, True),
    "a_string": (pd.ArrowDtype(pa.string()), WORDS, True),
    "a_decimal": (pd.ArrowDtype(pa.decimal128(10, 2)), MONEY, True),
}


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(1, 6))
    names = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=6, unique=True))
    columns = {}
    for name in names:
        dtype, values, nullable = KINDS[name]
        cell = st.none() | values if nullable else values
        columns[name] = pd.Series(draw(st.lists(cell, min_size=rows, max_size=rows)), dtype=dtype)
    frame = pd.DataFrame(columns)
    index = draw(st.sampled_from(["default", "range", "named", "labels", "multi"]))
    if index == "range":
        frame.index = pd.RangeIndex(10, 10 + 3 * rows, 3)
    elif index == "named":
        frame.index = pd.Index(draw(st.lists(SMALL, min_size=rows, max_size=rows)), name="key", dtype="int64")
    elif index == "labels":
        frame.index = pd.Index([f"r{i}" for i in range(rows)])
    elif index == "multi":
        frame.index = pd.MultiIndex.from_arrays([list(range(rows)), [f"g{i % 2}" for i in range(rows)]])
        frame.index.names = ["k1", None]
    return frame


def keep_all(frame: pd.DataFrame) -> privprep.Policy:
    names = [*frame.reset_index().columns] if not isinstance(frame.index, pd.RangeIndex) else [*frame.columns]
    columns = "".join(f"  {n}: keep\n" for n in names)
    return privprep.parse_policy(f"version: 1\nname: pd\nunlisted: fail\ncolumns:\n{columns}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_a_pandas_frame_comes_back_as_it_went_in(frame: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = privprep.apply(keep_all(frame), frame, key=KEY, audit_log=Path(folder) / "a.jsonl")
    pd.testing.assert_frame_equal(result.frame, frame)


def test_transformed_columns_keep_their_kind() -> None:
    frame = pd.DataFrame(
        {
            "count": pd.array([1, None, 37], dtype="Int32"),
            "amount": [decimal.Decimal("12.34"), None, decimal.Decimal("-0.75")],
            "a_amount": pd.Series(
                [decimal.Decimal("5.55"), None, None], dtype=pd.ArrowDtype(pa.decimal128(10, 2))
            ),
            "plain": [5, 17, 23],
        },
        index=pd.Index(["a", "b", "c"], name="id"),
    )
    policy = privprep.parse_policy(
        "version: 1\nname: pd\nunlisted: fail\ncolumns:\n  id: keep\n"
        "  count: {action: generalize, round_to: 10}\n  amount: {action: generalize, round_to: 0.5}\n"
        "  a_amount: {action: generalize, round_to: 1}\n  plain: {action: generalize, round_to: 10}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        out = privprep.apply(policy, frame, key=KEY, audit_log=Path(folder) / "a.jsonl").frame
    assert list(out.index) == ["a", "b", "c"] and out.index.name == "id"
    assert str(out["count"].dtype) == "Int32" and out["count"].tolist() == [0, pd.NA, 30]
    assert out["amount"].tolist() == [decimal.Decimal("12.00"), None, decimal.Decimal("-1.00")]
    assert out["a_amount"].dtype == pd.ArrowDtype(pa.decimal128(10, 2))
    assert str(out["plain"].dtype) == "int64" and out["plain"].tolist() == [0, 10, 20]
