"""A rule on a column of the wrong dtype is a TYPE_MISMATCH naming the column, its dtype, what is needed."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import polars as pl
import pytest
from core_helpers import transform

from privprep import PrivprepError, ReasonCode
from privprep.dtypes import render_dtype
from privprep.policy.columns import ColumnRule
from privprep.transforms import known_actions, operator
from privprep.transforms.keyed import NOT_BOOLEAN, SCALAR

ENUM = pl.Enum([f"SECRET-{i}" for i in range(5)])

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
    ({"action": "mask"}, [[1, 2]], pl.List(pl.Int64), SCALAR.needs),
    ({"action": "pseudonymize"}, [[1, 2]], pl.List(pl.Int64), SCALAR.needs),
    ({"action": "pseudonymize"}, [{"a": 1}], pl.Struct({"a": pl.Int64}), SCALAR.needs),
    ({"action": "fake", "kind": "name"}, [True], pl.Boolean, NOT_BOOLEAN.needs),
    ({"action": "fake", "kind": "phone"}, [["x"]], pl.List(pl.String), NOT_BOOLEAN.needs),
    # Binary, Duration and Object have no text form: they failed at run time with exit 1 before
    ({"action": "mask"}, [b"\xff\x00"], pl.Binary, SCALAR.needs),
    ({"action": "pseudonymize"}, [b"\xff\x00"], pl.Binary, SCALAR.needs),
    ({"action": "fake", "kind": "email"}, [b"\xff"], pl.Binary, NOT_BOOLEAN.needs),
    ({"action": "pseudonymize"}, [dt.timedelta(1)], pl.Duration("us"), SCALAR.needs),
    ({"action": "mask"}, [object()], pl.Object, SCALAR.needs),
    ({"action": "scrub"}, [1], pl.Int64, "a string column"),
    ({"action": "generalize", "round_to": 2}, ["SECRET-1"], ENUM, "a numeric column"),
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
    message = f"column 'the_col' has dtype {render_dtype(dtype)}; this action needs {needed}"
    assert [(p.where, p.message, p.code) for p in error.problems] == [
        ("columns.the_col", message, ReasonCode.TYPE_MISMATCH)
    ]
    assert "SECRET" not in str(error)


def test_every_mismatch_is_reported_at_once() -> None:
    frame = pl.DataFrame({"a": [b"x"], "b": [True], "c": ["x"]})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"a": "mask", "b": {"action": "fake", "kind": "name"}, "c": "keep"})
    assert [p.where for p in err.value.problems] == ["columns.a", "columns.b"]


def test_a_mismatch_never_quotes_a_value() -> None:
    frame = pl.DataFrame({"c": ["SECRET-VALUE-0001"]})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"c": {"action": "generalize", "round_to": 5}})
    assert "SECRET-VALUE-0001" not in str(err.value) and "SECRET-VALUE-0001" not in repr(err.value)


def test_every_policy_action_but_scrub_has_a_core_operator() -> None:
    expected = {"keep", "redact", "mask", "pseudonymize", "fake", "generalize", "shift_date"}
    assert expected <= set(known_actions())


def test_the_registry_knows_exactly_the_actions_of_the_policy_language() -> None:
    choices = [get_args(choice) for choice in get_args(get_args(ColumnRule)[0])]
    assert {tag.tag: model for model, tag in choices} == {a: operator(a).rule for a in known_actions()}


DTYPES = {
    "String": (["a1", None], pl.String),
    "Categorical": (["a1", None], pl.Categorical),
    "Enum": (["SECRET-1", None], ENUM),
    "Int8": ([7, None], pl.Int8),
    "UInt64": ([7, None], pl.UInt64),
    "Float32": ([1.5, None], pl.Float32),
    "Decimal": ([__import__("decimal").Decimal("1.50"), None], pl.Decimal(10, 2)),
    "Boolean": ([True, None], pl.Boolean),
    "Date": ([dt.date(2020, 1, 2), None], pl.Date),
    "Datetime-UTC": ([dt.datetime(2020, 1, 2, 3), None], pl.Datetime("us", "UTC")),
    "Time": ([dt.time(1, 2), None], pl.Time),
    "Duration": ([dt.timedelta(1), None], pl.Duration("us")),
    "Binary": ([b"\xff\x00", None], pl.Binary),
    "Null": ([None, None], pl.Null),
    "List": ([["a"], None], pl.List(pl.String)),
    "Array": ([[1, 2], None], pl.Array(pl.Int64, 2)),
    "Struct": ([{"a": 1}, None], pl.Struct({"a": pl.Int64})),
}
RULES = [
    "keep", "redact", "mask", "pseudonymize", {"action": "fake", "kind": "city", "domain": "pooled"},
    {"action": "fake", "kind": "phone"}, {"action": "generalize", "to": "year"},
    {"action": "generalize", "keep_prefix": 1}, {"action": "generalize", "bins": [1, 2]},
    {"action": "generalize", "round_to": 2, "top": 10}, {"action": "shift_date", "max_days": 3},
]  # fmt: skip


@pytest.mark.parametrize("dtype_name", list(DTYPES))
def test_every_dtype_is_either_refused_by_the_plan_or_transformed(dtype_name: str) -> None:
    """The declared dtypes are the truth: what the plan accepts runs, nothing ends in an internal error."""
    values, dtype = DTYPES[dtype_name]
    for rule in RULES:
        frame = pl.DataFrame({"c": values}, schema={"c": dtype})
        try:
            out = transform(frame, {"c": rule})
        except PrivprepError as err:
            assert err.code is ReasonCode.TYPE_MISMATCH, (rule, err)
            assert "SECRET" not in str(err)
        else:
            assert out.height == 2 and out["c"][1] is None, rule
