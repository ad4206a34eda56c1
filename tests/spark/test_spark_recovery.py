"""A driver killed mid-run leaves its staging folder; the next run against the log settles it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, ROOT, SAMPLE, records, stray_files

import privprep
from privprep.audit import AuditLog
from privprep.audit.verify import verify_log

pytestmark = [pytest.mark.spark, pytest.mark.slow]
RUN = """
import sys
from privprep.policy import load_policy
from privprep.spark.engine import run
from privprep.spark.session import local_session
spark = local_session("local[2]")
policy = load_policy(sys.argv[1])
run(policy, spark.read.parquet(sys.argv[2]), output=sys.argv[3], key=sys.argv[4], audit_log=sys.argv[5])
"""


def killed_at(fault: str, out: Path, log: Path) -> None:
    """A Spark run of the minimal policy whose driver dies (exit 137) at ``fault``."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PRIVPREP_FAULT": fault, "PYTHONPATH": path}
    policy = str(ROOT / "policies" / "minimal.yaml")
    done = subprocess.run([sys.executable, "-c", RUN, policy, str(SAMPLE), str(out), KEY, str(log)],
                          env=env, capture_output=True, timeout=300)  # fmt: skip
    assert done.returncode == 137, done.stderr[-2000:]


@pytest.mark.parametrize(("fault", "published"), [("write:after", False), ("finished:after", True)])
def test_the_next_run_settles_a_dead_spark_run(tmp_path: Path, fault: str, published: bool) -> None:
    out, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    killed_at(fault, out, log)
    assert not out.exists() and len(stray_files(tmp_path)) == 1  # the staging folder, nothing published
    privprep.apply(ROOT / "policies" / "minimal.yaml", SAMPLE, tmp_path / "next.parquet", KEY, audit_log=log)
    assert stray_files(tmp_path) == []
    assert out.is_dir() is published  # renamed when its finished record said success, else deleted
    if published:
        assert pl.read_parquet(out / "*.parquet").height == pl.read_parquet(SAMPLE).height
        assert records(log)[1]["result"]["status"] == "success"
    assert verify_log(AuditLog(log)).ok
