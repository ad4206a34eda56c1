"""Compile-time check of each scalar twin against its column's expression, on typical values.

The property tests prove the twins equal on random rows; this probe guards a deployment
against an operator changed without its twin: a column whose twin differs on any probe row
is served by the expression (slower, exact) and the session's warnings say so.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import polars as pl

_TEXTS = ["Maria López", "", "a", "12345", "jane.doe@example.com", "+1 (555) 010-0142", "2020-03-07",
          "07/03/1984", "Ünïcödé 名前", "x" * 40]  # fmt: skip
_DATES = [dt.date(1984, 3, 7), dt.date(2000, 2, 29), dt.date(1970, 1, 1), dt.date(2031, 12, 31)]
_PROBES: dict[Any, list[Any]] = {
    pl.String: _TEXTS,
    pl.Boolean: [True, False],
    pl.Float64: [0.0, 1.5, -2.25, 1e20, 1e-7, 65.0, 17.999, 100.0],
    pl.Date: _DATES,
    pl.Datetime("us"): [dt.datetime(1984, 3, 7, 13, 5, 9, 123456), dt.datetime(2000, 1, 1)],
}
_INTEGERS = [0, 1, 7, 42, 99, 120]


def probe_rows(schema: pl.Schema, rows: int = 12) -> list[dict[str, Any]]:
    """``rows`` records with typical values per dtype (and a null in each column's last row)."""
    columns = {}
    for name, dtype in schema.items():
        values = _INTEGERS if dtype.is_integer() else _PROBES.get(dtype, [None])
        columns[name] = [*itertools.islice(itertools.cycle(values), rows - 1), None]
    return [{name: columns[name][i] for name in schema} for i in range(rows)]
