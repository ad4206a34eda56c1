"""Outputs: a single file or a partitioned dataset folder, written atomically and verifiable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from core_helpers import KEY, records, stray_files
from io_helpers import FRAME, POLICY, expected, run

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit import AuditLog, verify_log
from privprep.digest import path_digest
from privprep.policy.inputs import OutputSpec

PARTITIONED = POLICY.model_copy(update={"output": OutputSpec(partition_by=["split"], row_group_size=2)})


def test_a_partitioned_dataset_folder_verifies(tmp_path: Path) -> None:
    FRAME.write_parquet(tmp_path / "in.parquet")
    result = run(tmp_path / "in.parquet", tmp_path / "out", policy=PARTITIONED)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["split=test", "split=train"]
    back = pl.scan_parquet(out, hive_partitioning=False).collect().sort("id")
    assert back.equals(expected(tmp_path).sort("id"))
    for file in out.rglob("*.parquet"):
        meta = pq.read_metadata(file)
        assert meta.metadata[b"privprep.run_id"].decode() == result.run_id
        assert max(meta.row_group(g).num_rows for g in range(meta.num_row_groups)) <= 2
    output = result.record["result"]["output"]
    assert output["rows"] == FRAME.height and {f["path"] for f in output["files"]} == {
        "split=*/00000000.parquet"
    }
    assert verify_log(AuditLog(result.audit_log)).ok
    assert stray_files(tmp_path) == []


def test_a_rerun_replaces_the_folder_and_an_edit_is_caught(tmp_path: Path) -> None:
    FRAME.write_parquet(tmp_path / "in.parquet")
    run(tmp_path / "in.parquet", tmp_path / "out", policy=PARTITIONED)
    FRAME.filter(pl.col("split") == "train").write_parquet(tmp_path / "in.parquet")
    second = run(tmp_path / "in.parquet", tmp_path / "out", policy=PARTITIONED)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["split=train"] and stray_files(tmp_path) == []
    assert verify_log(AuditLog(second.audit_log)).ok
    file = next((tmp_path / "out").rglob("*.parquet"))
    pl.read_parquet(file).head(1).write_parquet(file)
    assert not verify_log(AuditLog(second.audit_log)).ok


def test_a_part_file_rewritten_with_the_same_rows_is_caught_by_its_hash(tmp_path: Path) -> None:
    """The content digest is no commitment; the recorded SHA-256 of each part file is."""
    FRAME.write_parquet(tmp_path / "in.parquet")
    result = run(tmp_path / "in.parquet", tmp_path / "out", policy=PARTITIONED)
    file = next((tmp_path / "out").rglob("*.parquet"))
    pl.read_parquet(file).write_parquet(file, compression="gzip")
    assert path_digest(tmp_path / "out") == result.record["result"]["output"]["digest"]
    found = verify_log(AuditLog(result.audit_log))
    assert not found.ok and any("was modified after the run" in p for p in found.problems)


def test_a_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    FRAME.write_parquet(tmp_path / "in.parquet")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(PrivprepError) as caught:
        run(tmp_path / "in.parquet", tmp_path / "out", policy=PARTITIONED)
    assert caught.value.code == ReasonCode.OUTPUT_FAILED and (tmp_path / "out" / "notes.txt").exists()
    with pytest.raises(PrivprepError):  # nor may the input sit inside the folder it replaces
        run(tmp_path / "in.parquet", tmp_path, policy=PARTITIONED)


def test_compression_is_settable(tmp_path: Path) -> None:
    FRAME.write_parquet(tmp_path / "in.parquet")
    policy = POLICY.model_copy(update={"output": OutputSpec(compression="snappy")})
    result = run(tmp_path / "in.parquet", tmp_path / "o.parquet", policy=policy)
    assert pq.read_metadata(result.output_path).row_group(0).column(0).compression == "SNAPPY"


@pytest.mark.parametrize("data", [FRAME, FRAME.lazy(), FRAME.to_pandas(), FRAME.to_arrow()])
def test_in_memory_inputs_write_nothing_without_an_explicit_output(tmp_path: Path, data: object) -> None:
    os.chdir(tmp_path)
    policy = POLICY.model_copy(update={"output": OutputSpec(path="policy-out.parquet")})
    result = run(data, None, policy=policy)
    assert result.output_path is None and result.frame is not None and len(result.frame) == FRAME.height
    assert not (tmp_path / "policy-out.parquet").exists()
    explicit = run(data, tmp_path / "mine.parquet", policy=policy)
    assert explicit.frame is None and (tmp_path / "mine.parquet").exists()
    assert isinstance(result.frame, pd.DataFrame) == isinstance(data, pd.DataFrame)


SCRIPT = """
import sys, polars as pl, privprep
from privprep.policy.inputs import OutputSpec
policy = privprep.parse_policy(sys.argv[1]).model_copy(update={"output": OutputSpec(partition_by=["split"])})
privprep.apply(policy, sys.argv[2], sys.argv[3], key=sys.argv[4], audit_log=sys.argv[5])
"""


@pytest.mark.parametrize(("fault", "committed"), [("write:after", False), ("finished:after", True)])
def test_a_killed_run_leaves_a_folder_the_next_run_settles(
    tmp_path: Path, fault: str, committed: bool
) -> None:
    FRAME.write_parquet(tmp_path / "in.parquet")
    text = POLICY.source_text or ""
    out, log = tmp_path / "out", tmp_path / "audit.jsonl"
    env = {**os.environ, "PRIVPREP_FAULT": fault}
    args = [sys.executable, "-c", SCRIPT, text, str(tmp_path / "in.parquet"), str(out), KEY, str(log)]
    assert subprocess.run(args, env=env, check=False).returncode == 137
    assert not out.exists() and stray_files(tmp_path)  # the staged folder, nothing published
    privprep.apply(POLICY, FRAME, tmp_path / "other.parquet", key=KEY, audit_log=log)  # recovers
    assert stray_files(tmp_path) == [] and out.exists() == committed
    assert verify_log(AuditLog(log)).ok
    assert any("recovery:" in w for w in records(log)[-1]["result"]["warnings"])
