"""Columns covering every row-local operator and dtype, with Hypothesis strategies for their values."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl
from hypothesis import strategies as st

DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
DATETIMES = st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31))
TEXT = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["Maria López", "jane.doe@example.com", "+1 (555) 010-0142", "", "a", "名前"]),
)
DATE_TEXT = st.one_of(
    DATES.map(str),
    DATES.map(lambda d: d.strftime("%d/%m/%Y")),
    DATES.map(lambda d: d.strftime("%B %d, %Y")),
    DATES.map(lambda d: d.strftime("%d.%m.%Y")),
    st.text(max_size=12),
)
VALUES: dict[Any, st.SearchStrategy[Any]] = {
    pl.String: TEXT,
    pl.Int64: st.integers(-(2**63), 2**63 - 1),
    pl.Int32: st.integers(-(2**31), 2**31 - 1),
    pl.Float64: st.floats(allow_nan=True, allow_infinity=True),
    pl.Float32: st.floats(width=32, allow_nan=False),
    pl.Boolean: st.booleans(),
    pl.Date: DATES,
    pl.Datetime("us"): DATETIMES,
}
SMALL_INT = st.integers(-(10**12), 10**12)

# (column, dtype, rule, values): one column per operator variant
CASES: list[tuple[str, Any, Any, st.SearchStrategy[Any] | None]] = [
    ("p_s", pl.String, "pseudonymize", None),
    ("p_i", pl.Int64, {"action": "pseudonymize", "length": 20, "prefix": "u_", "domain": "ids"}, None),
    ("p_f", pl.Float64, "pseudonymize", None),
    ("p_b", pl.Boolean, "pseudonymize", None),
    ("p_d", pl.Date, "pseudonymize", None),
    ("p_ts", pl.Datetime("us"), "pseudonymize", None),
    ("p_f32", pl.Float32, "pseudonymize", None),
    ("p_int64", pl.String, {"action": "pseudonymize", "format": "int64"}, None),
    ("p_bin", pl.Int64, {"action": "pseudonymize", "format": "binary", "length": 20, "domain": "ids"}, None),
    ("p_b32", pl.String, {"action": "pseudonymize", "format": "base32", "length": 22, "prefix": "c_"}, None),
    ("f_name", pl.String, {"action": "fake", "kind": "name"}, None),
    ("f_email", pl.String, {"action": "fake", "kind": "email", "domain": "ids"}, None),
    ("f_dob", pl.Date, {"action": "fake", "kind": "date_of_birth"}, None),
    ("f_ip", pl.Int64, {"action": "fake", "kind": "ip"}, None),
    ("m_s", pl.String, {"action": "mask", "keep_first": 1, "keep_last": 2}, None),
    ("m_i", pl.Int64, {"action": "mask", "keep_last": 3, "char": "#"}, None),
    ("m_f", pl.Float64, {"action": "mask", "keep_first": 2}, None),
    ("m_d", pl.Date, "mask", None),
    ("r_s", pl.String, "redact", None),
    ("r_i", pl.Int32, {"action": "redact", "text": "gone"}, None),
    ("g_year", pl.Date, {"action": "generalize", "to": "year"}, None),
    ("g_month", pl.Datetime("us"), {"action": "generalize", "to": "month"}, None),
    ("g_decade", pl.Date, {"action": "generalize", "to": "decade"}, None),
    ("g_text_year", pl.String, {"action": "generalize", "to": "year"}, DATE_TEXT),
    ("g_prefix", pl.String, {"action": "generalize", "keep_prefix": 3}, None),
    ("g_prefix_i", pl.Int64, {"action": "generalize", "keep_prefix": 2}, None),
    ("g_bins", pl.Int64, {"action": "generalize", "bins": [0, 18, 65]}, None),
    ("g_bins_f", pl.Float64, {"action": "generalize", "bins": [-1.5, 0, 2.5]}, None),
    ("g_round", pl.Int64, {"action": "generalize", "round_to": 10, "bottom": 0, "top": 100}, SMALL_INT),
    ("g_round_f", pl.Float64, {"action": "generalize", "round_to": 0.5}, None),
    ("s_date", pl.Date, {"action": "shift_date", "max_days": 30}, None),
    ("s_ts", pl.Datetime("us"), {"action": "shift_date", "max_days": 10}, None),
    ("s_ts_day", pl.Datetime("us"), {"action": "shift_date", "max_days": 10, "granularity": "day"}, None),
    ("s_text", pl.String, {"action": "shift_date", "max_days": 5, "by": "p_s"}, DATE_TEXT),
    ("s_by", pl.Date, {"action": "shift_date", "max_days": 365, "by": "p_i", "domain": "ids"}, None),
    ("dropped", pl.String, "drop", None),
    ("k_f", pl.Float64, "keep", None),
    ("k_s", pl.String, "keep", None),
]
SCHEMA = pl.Schema({name: dtype for name, dtype, _, _ in CASES})
COLUMNS = {name: rule for name, _, rule, _ in CASES}


def rows(max_size: int = 6) -> st.SearchStrategy[list[dict[str, Any]]]:
    fields = {
        name: st.none() | (values if values is not None else VALUES[dtype])
        for name, dtype, _, values in CASES
    }
    return st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=max_size)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same type (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def differences(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(row, column) where the transformer and apply disagree."""
    assert [list(g) for g in got] == [list(w) for w in want]
    return [(i, c) for i, (g, w) in enumerate(zip(got, want, strict=True)) for c in w if not same(g[c], w[c])]
