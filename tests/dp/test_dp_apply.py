"""DP releases through ``privprep.apply`` and ``privprep budget show``: files, audit, budget."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dp_helpers import customers
from rich.console import Console

import privprep
from privprep.dp import budget_summary, render_budget
from privprep.errors import ReasonCode

POLICY = """
version: 1
name: crm
unlisted: drop
columns:
  region: keep
aggregates:
  privacy_unit: {column: customer_id, max_rows: 3}
  budget: {epsilon: 1.0}
  releases:
    - name: by_region
      epsilon: 0.6
      group_by: [region]
      keys: [north, south, east, west]
      metrics: [count, {sum: salary, bounds: [0, 250000]}]
      path: %s
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = tmp_path / "in.parquet"
    customers().write_parquet(data)
    policy = tmp_path / "policy.yaml"
    release = tmp_path / "out" / "by_region.parquet"
    policy.write_text(POLICY % release)
    return policy, data, release


def test_apply_releases_and_spends(setup, tmp_path: Path, key: str) -> None:
    policy, data, release = setup
    result = privprep.apply(policy, data, tmp_path / "out" / "main.parquet")
    meta = pq.read_metadata(release).metadata
    assert meta[b"privprep.run_id"].decode() == result.run_id
    (record,) = result.record["result"]["releases"]
    assert record["epsilon"] == 0.6 and record["epsilon_remaining"] == pytest.approx(0.4)
    assert record["ledger_state"] == "committed"
    (summary,) = budget_summary(Path(record["ledger"]))
    assert summary.epsilon_spent == pytest.approx(0.6)

    release.unlink()
    with pytest.raises(privprep.PrivprepError) as info:
        privprep.apply(policy, data, tmp_path / "out" / "again.parquet")
    assert info.value.code is ReasonCode.BUDGET_EXCEEDED
    assert not release.exists() and not (tmp_path / "out" / "again.parquet").exists()
    assert budget_summary(Path(record["ledger"]))[0].epsilon_spent == pytest.approx(0.6)


def test_budget_show(setup, tmp_path: Path, key: str) -> None:
    policy, data, _ = setup
    result = privprep.apply(policy, data, tmp_path / "out" / "main.parquet")
    ledger = Path(result.record["result"]["releases"][0]["ledger"])
    console = Console(record=True, width=200)
    render_budget(ledger, None, console)
    text = console.export_text()
    assert "crm" in text and "remaining 0.4" in text and "by_region" in text and result.run_id in text
    shown = subprocess.run(
        [sys.executable, "-m", "privprep", "budget", "show", "--ledger", str(ledger), "--dataset", "crm"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "by_region" in shown.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "privprep", "budget", "show", "--ledger", str(tmp_path / "none.sqlite")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 3 and "no budget ledger" in missing.stderr
    assert json.dumps(result.record)  # the audit record serializes


def test_aggregates_need_the_key(setup, tmp_path: Path, no_key: None) -> None:
    """Without the master key nothing is reserved: the ledger's rows are MACed with a key derived from it."""
    policy, data, release = setup
    with pytest.raises(privprep.PrivprepError) as info:
        privprep.apply(policy, data, tmp_path / "out" / "main.parquet")
    assert info.value.code is ReasonCode.KEY_MISSING
    assert not (tmp_path / "privprep-budget.sqlite").exists() and not release.exists()


def test_budget_show_verifies_with_the_key(setup, tmp_path: Path, key: str) -> None:
    policy, data, _ = setup
    privprep.apply(policy, data, tmp_path / "out" / "main.parquet")
    ledger = tmp_path / "privprep-budget.sqlite"  # beside the input
    console = Console(record=True, width=200)
    render_budget(ledger, None, console)
    assert "NOT verified" in console.export_text()
    with closing(sqlite3.connect(ledger)) as conn:
        conn.execute("UPDATE spends SET epsilon = 0.01")
        conn.commit()
    shown = subprocess.run(
        [sys.executable, "-m", "privprep", "budget", "show", "--ledger", str(ledger)],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 7 and "does not match its MAC" in shown.stderr
