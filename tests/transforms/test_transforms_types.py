"""A rule on a column of the wrong dtype is a TYPE_MISMATCH naming the column, its dtype, what is needed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from core_helpers import transform

from privprep import PrivprepError, ReasonCode
from privprep.dtypes import render_dtype
from privprep.transforms import known_actions

MISMATCHES = [
    # rule, values, dtype, what the message says is needed
    ({"action": "generalize", "round_to": 10}, ["a"], pl.String, "a numeric column"),
    ({"action": "generalize", "bins": [1, 2]}, [dt.date(2020, 1, 1)], pl.Date, "a numeric column"),
    ({"action": "generalize", "to": "year"}, [1984], pl.Int64, "a date, datetime or date string"),
    ({"action": "generalize", "to": "month"}, [True], pl.Boolean, "a date, datetime or date string"),
    ({"action": "generalize", "keep_prefix": 2}, [1.5], pl.Float64, "a string or integer column"),
    (
        {"action": "generalize", "keep_prefix": 2},
        [dt.date(2020, 1, 1)],
        pl.Date,
        "a string or integer column",
    ),
    ({"action": "shift_date", "max_days": 3}, [20200101], pl.Int64, "a date, datetime or date string"),
    ({"action": "mask"}, [[1, 2]], pl.List(pl.Int64), "a scalar column"),
    ({"action": "pseudonymize"}, [[1, 2]], pl.List(pl.Int64), "a scalar column (string, number, date)"),
    (
        {"action": "pseudonymize"},
        [{"a": 1}],
        pl.Struct({"a": pl.Int64}),
        "a scalar column (string, number, date)",
    ),
    ({"action": "fake", "kind": "name"}, [True], pl.Boolean, "a string, number or date column"),
    ({"action": "fake", "kind": "phone"}, [["x"]], pl.List(pl.String), "a string, number or date column"),
]


@pytest.mark.parametrize(("rule", "values", "dtype", "needed"), MISMATCHES)
def test_type_mismatch_names_column_dtype_and_what_is_needed(
    rule: dict[str, Any], values: list[Any], dtype: pl.DataType, needed: str
) -> None:
    frame = pl.DataFrame({"the_col": values}, schema={"the_col": dtype})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"the_col": rule})
    error = err.value
    assert error.code is ReasonCode.TYPE_MISMATCH and error.exit_code == 3
    assert str(error) == f"column 'the_col' has dtype {render_dtype(dtype)}; this action needs {needed}"
    assert error.details == {"column": "the_col", "dtype": render_dtype(dtype)}


def test_a_mismatch_never_quotes_a_value() -> None:
    frame = pl.DataFrame({"c": ["SECRET-VALUE-0001"]})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"c": {"action": "generalize", "round_to": 5}})
    assert "SECRET-VALUE-0001" not in str(err.value) and "SECRET-VALUE-0001" not in repr(err.value)


def test_every_policy_action_but_scrub_has_a_core_operator() -> None:
    expected = {"keep", "redact", "mask", "pseudonymize", "fake", "generalize", "shift_date"}
    assert expected <= set(known_actions())
