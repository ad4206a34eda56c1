"""ε and δ at and beyond their documented range: policy errors with path and line, sane published values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from dp_helpers import customers, keyed, release, spec, write

from privprep.dp import DPRun
from privprep.errors import PolicyError, PrivprepError, ReasonCode
from privprep.policy import parse_policy
from privprep.policy.aggregates import EPSILON_RANGE

POLICY = """\
version: 1
name: crm
aggregates:
  privacy_unit: {column: customer_id, max_rows: 5}
  budget: {epsilon: %s, delta: %s}
  releases:
    - name: by_region
      epsilon: %s
      delta: %s
      group_by: [region]
      keys: [north, south, east, west]
      metrics: [count]
"""
OK = {"budget_eps": "2", "budget_delta": "0", "eps": "1", "delta": "0"}
BAD = {
    "budget-inf": ({"budget_eps": ".inf"}, "aggregates.budget.epsilon (line 5)", "finite"),
    "budget-huge": ({"budget_eps": "1e300"}, "aggregates.budget.epsilon (line 5)", "above"),
    "release-huge": ({"eps": "1e300"}, "aggregates.releases.0.epsilon (line 8)", "above"),
    "release-tiny": ({"eps": "1e-300"}, "aggregates.releases.0.epsilon (line 8)", "below"),
    "release-nan": ({"eps": ".nan"}, "aggregates.releases.0.epsilon (line 8)", "finite"),
    "release-minus-inf": ({"eps": "-.inf"}, "aggregates.releases.0.epsilon (line 8)", "finite"),
    "delta-half": ({"budget_delta": "0.5"}, "aggregates.budget.delta (line 5)", "from 0 to 0.001"),
    "delta-negative": ({"delta": "-1e-9"}, "aggregates.releases.0.delta (line 9)", "from 0 to 0.001"),
    "delta-inf": ({"delta": ".inf"}, "aggregates.releases.0.delta (line 9)", "from 0 to 0.001"),
}


def _text(**changes: str) -> str:
    values = OK | changes
    return POLICY % (values["budget_eps"], values["budget_delta"], values["eps"], values["delta"])


@pytest.mark.parametrize(("changes", "where", "why"), BAD.values(), ids=BAD.keys())
def test_out_of_range_values_are_policy_errors(changes: dict, where: str, why: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(_text(**changes))
    message = str(info.value)
    assert where in message and why in message


def test_infinite_budget_exits_2_from_the_cli(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(_text(budget_eps=".inf"))
    done = subprocess.run(
        [sys.executable, "-m", "privprep", "validate", str(policy)], capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert "aggregates.budget.epsilon (line 5)" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("epsilon", EPSILON_RANGE)
def test_published_values_at_the_ends_of_the_range(tmp_path: Path, epsilon: float) -> None:
    metrics = ["count", {"sum": "salary", "bounds": [0, 250000]}, {"mean": "age", "bounds": [18, 100]}]
    aggs = spec(release(epsilon=epsilon, metrics=metrics), budget={"epsilon": 50.0, "delta": 0.0})
    ledger = tmp_path / "l.sqlite"
    run = DPRun.prepare(
        aggs, write(customers(), tmp_path), dataset="d", ledger_path=ledger, run_id="r", **keyed(ledger)
    )
    (table,) = run.release()
    frame = table.frame
    limit = 2**62
    for name in ("count", "salary_sum"):
        assert frame[name].abs().max() < limit  # never saturated at Int64's limits
    floats = frame.select(pl.col(pl.Float64)).fill_null(0.0)
    assert all(floats[c].is_finite().all() and (floats[c] >= 0).all() for c in floats.columns if "acc" in c)
    assert all(m.accuracy is None or 0 <= m.accuracy < float("inf") for m in table.record.metrics)


def test_unpublishable_noise_is_refused_before_reserving(tmp_path: Path) -> None:
    aggs = spec(release(metrics=[{"sum": "score", "bounds": [0, 1e300]}]))
    ledger = tmp_path / "l.sqlite"
    with pytest.raises(PrivprepError) as info:
        DPRun.prepare(
            aggs, write(customers(), tmp_path), dataset="d", ledger_path=ledger, run_id="r", **keyed(ledger)
        )
    assert info.value.code is ReasonCode.DP_INVALID and "raise ε or narrow the bounds" in str(info.value)
    assert not ledger.exists()
