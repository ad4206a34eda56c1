"""checks.drift in real runs: against the previous run or a named one; warn or fail; value-free profiles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from core_helpers import finished, run_cli

import privprep
from privprep import PrivprepError, ReasonCode

CITIES = ["Springfield", "Shelbyville", "Ogdenville"]


def table(seed: int, shift: float = 0.0, churn: float = 0.2, n: int = 3000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "amount": rng.normal(100 + shift, 15, n),
        "city": rng.choice(CITIES, n),
        "churned": np.where(rng.random(n) < churn, "Churned", "active"),
    })  # fmt: skip


def write_policy(
    folder: Path, drift: str = "{against: previous, psi: 0.2, on_fail: warn}", extra: str = ""
) -> Path:
    path = folder / "policy.yaml"
    path.write_text(
        "version: 1\nname: drifty\ncolumns: {amount: keep, city: keep" + extra + "}\n"
        "labels:\n  churned: {normalize: [casefold], classes: [active, churned]}\n"
        f"checks:\n  drift: {drift}\n"
    )
    return path


def run(folder: Path, frame: pl.DataFrame, policy: Path, name: str) -> privprep.Result:
    data = folder / "in.parquet"  # one input path: the same dataset run after run
    frame.write_parquet(data)
    return privprep.apply(policy, data, folder / f"{name}.parquet", audit_log=folder / "audit.jsonl")


def test_drift_against_the_previous_run(tmp_path: Path, key: str) -> None:
    policy = write_policy(tmp_path)
    first = run(tmp_path, table(1), policy, "first")
    assert first.record["result"]["drift"]["comparison"] is None
    same = run(tmp_path, table(2), policy, "same")
    comparison = same.record["result"]["drift"]["comparison"]
    assert comparison["baseline"] == first.run_id
    assert not any("drift" in w for w in same.warnings)
    shifted = run(tmp_path, table(3, shift=15, churn=0.6), policy, "shifted")
    drifted = [
        c["column"] for c in shifted.record["result"]["drift"]["comparison"]["columns"] if c["drifted"]
    ]
    assert drifted == ["amount", "churned"]
    assert sum("drift against run" in w for w in shifted.warnings) == 2
    labels = shifted.record["result"]["drift"]["comparison"]["labels"][0]
    assert labels["column"] == "churned" and labels["after"][1] > 0.5
    # the numeric bins were fixed by the first run and reused since
    hist = shifted.record["result"]["drift"]["profile"]["columns"]["amount"]["histogram"]
    assert hist["source"] == "baseline"


def test_on_fail_fail_stops_the_run_and_writes_nothing(tmp_path: Path, key: str) -> None:
    policy = write_policy(tmp_path, "{against: previous, psi: 0.2, on_fail: fail}")
    run(tmp_path, table(1), policy, "first")
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path, table(3, shift=15), policy, "shifted")
    assert caught.value.code is ReasonCode.DRIFT_DETECTED
    assert "'amount' drifted" in str(caught.value)
    assert not (tmp_path / "shifted.parquet").exists()
    record = finished(tmp_path / "audit.jsonl")[-1]
    assert record["result"]["failed_step"] == "drift"
    assert record["result"]["drift"]["comparison"]["columns"][0]["drifted"]


def test_a_schema_change_fails_or_warns(tmp_path: Path, key: str) -> None:
    policy = write_policy(tmp_path, "{against: previous}")
    run(tmp_path, table(1), policy, "first")
    wider = table(2).with_columns(pl.lit(1).alias("extra"))
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path, wider, write_policy(tmp_path, "{against: previous}", ", extra: keep"), "wider")
    assert "column 'extra' added" in str(caught.value)
    warned = run(
        tmp_path, wider, write_policy(tmp_path, "{against: previous, schema: warn}", ", extra: keep"), "w"
    )
    assert any("column 'extra' added" in w for w in warned.warnings)


def test_against_a_named_run_with_policy_bins(tmp_path: Path, key: str) -> None:
    first = run(tmp_path, table(1), write_policy(tmp_path, "{bins: {amount: [80, 100, 120]}}"), "first")
    hist = first.record["result"]["drift"]["profile"]["columns"]["amount"]["histogram"]
    assert (hist["source"], hist["edges"], len(hist["counts"])) == ("policy", [80.0, 100.0, 120.0], 4)
    run(tmp_path, table(5, shift=30), write_policy(tmp_path, "{}"), "moved")
    third = run(tmp_path, table(2), write_policy(tmp_path, f"{{against: {first.run_id[:20]}}}"), "third")
    assert third.record["result"]["drift"]["baseline"] == first.run_id
    assert not any("drift against" in w for w in third.warnings)


@pytest.mark.slow  # three CLI subprocesses
def test_profiles_name_no_category_and_the_cli_compares(tmp_path: Path, key: str) -> None:
    policy = write_policy(tmp_path)
    first = run(tmp_path, table(1), policy, "first")
    second = run(tmp_path, table(3, shift=15), policy, "second")
    log = tmp_path / "audit.jsonl"
    text = log.read_text()
    assert not any(city in text for city in CITIES)
    bins = second.record["result"]["drift"]["profile"]["columns"]["city"]["histogram"]["bins"]
    assert len(bins) == 4 and all(b.startswith("h:") for b in bins[:3])
    done = run_cli("drift", first.run_id, second.run_id, "--log", log, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["schema"] == "privprep.drift/1" and body["drifted"] == ["amount"]
    assert body["comparison"]["schema"] == {"added": [], "removed": [], "retyped": []}
    shown = run_cli("drift", first.run_id, second.run_id, "--log", log, cwd=tmp_path)
    assert "amount" in shown.stdout and "drifted" in shown.stdout and "label churned" in shown.stdout
    missing = run_cli("drift", "nope", second.run_id, "--log", log, cwd=tmp_path)
    assert missing.returncode == 7 and "Traceback" not in missing.stderr
