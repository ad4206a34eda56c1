"""Bad inputs fail clearly, before anything is reserved or written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from dp_helpers import customers, keyed, release, spec, write

from privprep.dp import DPRun
from privprep.errors import PolicyError, PrivprepError, ReasonCode
from privprep.policy import parse_policy

POLICY = """
version: 1
name: crm
aggregates:
  privacy_unit: {column: customer_id, max_rows: 5}
  budget: {epsilon: 2.0, delta: 1.0e-7}
  releases:
    - name: churn_by_region
      epsilon: %s
      group_by: [region]
      keys: [north, south, east, west]
      metrics:
        - count
        - %s
"""


def test_example_policy_parses() -> None:
    policy = parse_policy(POLICY % ("0.5", "{median: wait_minutes, candidates: [0, 5, 10, 30]}"))
    assert policy.aggregates is not None
    assert policy.aggregates.releases[0].metrics[1].kind == "quantile"


@pytest.mark.parametrize(
    ("epsilon", "metric", "expected"),
    [
        ("0.5", "{sum: salary}", "bounds are required"),
        ("0.5", "{mean: age}", "never infers them from the private data"),
        ("0.5", "{median: wait_minutes}", "candidates are required"),
        ("0.5", "{sum: salary, bounds: [10, 0]}", "lower < upper"),
        ("0.5", "{median: w, candidates: [5, 1]}", "strictly increasing"),
        ("0", "count", "greater than 0"),
        ("-1", "count", "greater than 0"),
    ],
    ids=["sum-bounds", "mean-bounds", "candidates", "bounds-order", "candidates-order", "eps-0", "eps-neg"],
)
def test_policy_errors_name_the_problem(epsilon: str, metric: str, expected: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(POLICY % (epsilon, metric))
    assert expected in str(info.value) and "aggregates.releases.0" in str(info.value)


def _fail(tmp_path: Path, *releases: dict, **top) -> PrivprepError:
    ledger = tmp_path / "l.sqlite"
    with pytest.raises(PrivprepError) as info:
        DPRun.prepare(
            spec(*releases, **top), write(customers(), tmp_path), dataset="d", ledger_path=ledger, run_id="r",
            **keyed(ledger),
        )  # fmt: skip
    if info.value.code is not ReasonCode.BUDGET_EXCEEDED:
        assert not ledger.exists()  # refused before the ledger was opened
    else:
        with closing(sqlite3.connect(ledger)) as conn:  # the failed transaction left nothing, not even tables
            assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    return info.value


def _sum(column: str, bounds: list[float]) -> list[dict]:
    return [{"sum": column, "bounds": bounds}]


BAD_RELEASES = {
    "metric-col": (release(metrics=_sum("salery", [0, 1])), ReasonCode.COLUMN_MISSING, "'salery' is not in"),
    "group-col": (release(group_by=["zone"]), ReasonCode.COLUMN_MISSING, "'zone' is not in"),
    "string-sum": (release(metrics=_sum("name", [0, 1])), ReasonCode.TYPE_MISMATCH, "'name' is String"),
    "string-quantile": (
        release(metrics=[{"median": "region", "candidates": [0, 1]}]),
        ReasonCode.TYPE_MISMATCH,
        "integer or float",
    ),
    "key-type": (release(keys=[1, 2]), ReasonCode.TYPE_MISMATCH, "region: String"),
    "dup-keys": (release(keys=["north", "north"]), ReasonCode.DP_INVALID, "duplicates"),
    "no-delta": (release(keys=None), ReasonCode.DP_INVALID, "delta > 0"),
    "no-count": (
        release(keys=None, delta=1e-8, metrics=_sum("salary", [0, 9])),
        ReasonCode.DP_INVALID,
        "include `count`",
    ),
    "dup-metric": (release(metrics=["count", "count"]), ReasonCode.DP_INVALID, "collide: count"),
    "key-metric": (
        release(group_by=["age"], keys=[18, 19], metrics=_sum("age", [0, 9])),
        ReasonCode.DP_INVALID,
        "both aggregated and a key",
    ),
}


@pytest.mark.parametrize(("rel", "code", "text"), BAD_RELEASES.values(), ids=BAD_RELEASES.keys())
def test_release_errors(tmp_path: Path, rel: dict, code: ReasonCode, text: str) -> None:
    error = _fail(tmp_path, rel)
    assert error.code is code and text in str(error)
    assert "aggregates.releases[0] (by_region)" in str(error)


def test_float_sum_needs_public_row_bound(tmp_path: Path) -> None:
    error = _fail(tmp_path, release(metrics=[{"sum": "score", "bounds": [0, 1]}]), max_group_rows=None)
    assert error.code is ReasonCode.DP_INVALID and "max_group_rows" in str(error)


def test_integer_bounds_too_wide_for_overflow_safe_sum(tmp_path: Path) -> None:
    error = _fail(tmp_path, release(metrics=[{"sum": "salary", "bounds": [0, 1e13]}]), max_group_rows=None)
    assert error.code is ReasonCode.DP_INVALID and "OpenDP rejects this release" in str(error)


def test_budget_smaller_than_one_release(tmp_path: Path) -> None:
    error = _fail(tmp_path, release(epsilon=3.0), budget={"epsilon": 2.0})
    assert error.code is ReasonCode.BUDGET_EXCEEDED


def test_errors_never_quote_data(tmp_path: Path) -> None:
    error = _fail(tmp_path, release(metrics=[{"sum": "name", "bounds": [0, 1]}]))
    assert "person" not in str(error)
