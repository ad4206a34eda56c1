"""Faults under Spark: a task that dies is retried to the same output; a job that fails leaves nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from core_helpers import KEY, POLICIES, SAMPLE, make_policy, records, stray_files
from spark_helpers import EVERY_OPERATOR, assert_same_rows

import privprep
from privprep.errors import PrivprepError, ReasonCode
from privprep.policy import load_policy
from privprep.spark.engine import run as spark_run

pytestmark = [pytest.mark.spark, pytest.mark.slow]


Batches = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def dies_on_first_attempt() -> Batches:
    """A task of partition 1 dies mid-partition on its first attempt (after yielding some rows).

    Built in a function so that Spark ships it by value (workers cannot import test modules).
    """

    def batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        context = TaskContext.get()
        for n, batch in enumerate(batches):
            yield batch
            if context.partitionId() == 1 and context.attemptNumber() == 0 and n == 0:
                raise RuntimeError("executor task killed")

    return batches


def dies_once_writing(flag: Path) -> Batches:
    """Every attempt of every task dies once ``flag`` exists (the run creates it when writing starts)."""

    def batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield batch.slice(0, 1)
            if flag.exists():
                raise RuntimeError("executor lost")
            yield batch.slice(1)

    return batches


def test_a_task_killed_mid_job_is_retried_to_the_same_output(
    spark: Any, every_dtype_file: Path, tmp_path: Path
) -> None:
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "10")  # several batches per task
    try:
        df = spark.read.parquet(str(every_dtype_file)).repartition(3)
        flaky = df.mapInArrow(dies_on_first_attempt(), df.schema)
        policy = make_policy(EVERY_OPERATOR, unlisted="fail")
        log = tmp_path / "audit.jsonl"
        on_spark = spark_run(policy, flaky, output=tmp_path / "out.parquet", key=KEY, audit_log=log)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    single = privprep.apply(policy, every_dtype_file, tmp_path / "single.parquet", KEY, audit_log=log)
    written = pl.read_parquet(tmp_path / "out.parquet" / "*.parquet")
    assert_same_rows(pl.read_parquet(tmp_path / "single.parquet"), written)
    assert on_spark.record["result"]["output"]["digest"] == single.record["result"]["output"]["digest"]
    assert on_spark.record["result"]["scrub"] == single.record["result"]["scrub"]  # the retry counted once


def test_a_failed_job_leaves_nothing_at_the_output_and_no_success(
    spark: Any, every_dtype_file: Path, tmp_path: Path
) -> None:
    df = spark.read.parquet(str(every_dtype_file))
    flag, out, log = tmp_path / "writing", tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    broken = df.mapInArrow(dies_once_writing(flag), df.schema)
    policy = make_policy({"id": "pseudonymize"}, unlisted="drop")
    on_stage = lambda step: step == "write" and flag.touch()  # noqa: E731
    with pytest.raises(PrivprepError) as caught:
        spark_run(policy, broken, output=out, key=KEY, audit_log=log, on_stage=on_stage)
    assert caught.value.code is ReasonCode.INTERNAL
    assert "executor lost" not in str(caught.value)  # a library's message never reaches the user
    assert records(log)[-1]["result"]["failed_step"] == "write"
    assert not out.exists() and stray_files(tmp_path) == []
    assert [r["kind"] for r in records(log)] == ["started", "finished"]
    assert records(log)[-1]["result"]["status"] == "failed"


def test_dp_aggregates_are_refused_before_anything_is_written(spark: Any, tmp_path: Path) -> None:
    policy = load_policy(POLICIES / "customers-aggregates.yaml")
    out, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as caught:
        spark_run(policy, spark.read.parquet(str(SAMPLE)), output=out, key=KEY, audit_log=log)
    assert caught.value.code is ReasonCode.POLICY_INVALID and "docs/dp.md" in str(caught.value)
    assert [(p.where, p.line) for p in caught.value.problems] == [("aggregates", 19)]  # its YAML line
    assert not out.exists() and not list(tmp_path.glob("*.sqlite"))  # no budget ledger, nothing spent
    assert [r["kind"] for r in records(log)] == ["finished"]
