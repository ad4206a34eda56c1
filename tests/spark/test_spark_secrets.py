"""The key and every key derived from it stay out of the Spark plan, explain(), the event log and the CLI."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, ROOT, SAMPLE, make_policy, records
from spark_helpers import EVERY_OPERATOR, collected

import privprep.spark
from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.spark.schema import polars_schema

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def secrets(policy: Any, schema: pl.Schema) -> list[str]:
    """The master key (text and hex) and every derived key literal of the compiled plan."""
    master = MasterKey(KEY.encode())
    plan = compile_plan(policy, schema)
    staged, outputs = plan.projection(master)
    found = {KEY, KEY.encode().hex()}
    for purpose in ("pseudonymize", "fake", "shift", "mask", "scrub"):
        for column in schema:
            found.add(master.derive(purpose, f"column:{column}"))
    shipped = pickle.dumps([*staged.values(), *outputs])  # what the broadcast holds: derived keys
    assert any(k.encode() in shipped for k in found - {KEY, KEY.encode().hex()})  # the list is not empty
    return sorted(found)


def test_no_key_in_explain_or_the_event_log(spark: Any, every_dtype_file: Path, event_log: Path) -> None:
    policy = make_policy(EVERY_OPERATOR, unlisted="fail")
    df = spark.read.parquet(str(every_dtype_file))
    private = privprep.spark.apply(policy, df, key=KEY, audit_log=every_dtype_file.with_name("s.jsonl"))
    collected(private)  # run it, so the event log has the jobs
    plans = [private._jdf.queryExecution().toString()]  # every plan stage, as the UI shows them
    for mode in ("simple", "extended", "codegen", "cost", "formatted"):
        plans.append(private._sc._jvm.PythonSQLUtils.explainString(private._jdf.queryExecution(), mode))
    logged = "".join(p.read_text(errors="replace") for p in event_log.rglob("*") if p.is_file())
    assert "privprep_batches" in plans[0] and "privprep_batches" in logged  # the plan and log were read
    for secret in secrets(policy, polars_schema(df.schema)):
        assert all(secret not in text for text in plans), "a key is in the Spark plan"
        assert secret not in logged, "a key is in the Spark event log"


def test_cli_engine_spark_writes_an_audited_folder(tmp_path: Path) -> None:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PRIVPREP_KEY": KEY, "PYTHONPATH": path}
    out, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    policy = str(ROOT / "policies" / "minimal.yaml")
    command = [sys.executable, "-m", "privprep", "apply", policy, str(SAMPLE), "-o", str(out),
               "--audit-log", str(log), "--engine", "spark", "--master", "local[2]"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert KEY not in done.stdout + done.stderr
    assert out.is_dir() and pl.read_parquet(out / "*.parquet").height == pl.read_parquet(SAMPLE).height
    finished = records(log)[-1]
    assert finished["result"]["engine"]["name"] == "spark" and finished["result"]["output"]["digest"]
    verify = [sys.executable, "-m", "privprep", "audit", "verify", "--log", str(log)]
    assert subprocess.run(verify, capture_output=True, env=env, timeout=120).returncode == 0
