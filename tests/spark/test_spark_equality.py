"""The Spark engine gives the single-machine output: every operator, every dtype, nulls, unicode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, make_policy, records
from spark_helpers import EVERY_OPERATOR, assert_same_rows, both, collected, every_dtype

import privprep
import privprep.spark
from privprep.audit import AuditLog
from privprep.audit.verify import verify_log
from privprep.digest import content_digest, path_digest

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_every_operator_on_every_dtype_matches_single_machine(spark: Any, every_dtype_file: Path) -> None:
    policy, log = make_policy(EVERY_OPERATOR, unlisted="fail"), every_dtype_file.with_name("a.jsonl")
    single = privprep.apply(policy, pl.read_parquet(every_dtype_file), key=KEY, audit_log=log)
    df = spark.read.parquet(str(every_dtype_file)).repartition(4)
    on_spark = collected(privprep.spark.apply(policy, df, key=KEY, audit_log=log))
    assert isinstance(single.frame, pl.DataFrame)
    assert single.frame.height == every_dtype().height
    assert_same_rows(single.frame, on_spark)
    assert content_digest(single.frame) == content_digest(on_spark)


@pytest.mark.parametrize("column", sorted(EVERY_OPERATOR))
def test_each_operator_alone_matches(spark: Any, every_dtype_file: Path, column: str) -> None:
    policy = make_policy({column: EVERY_OPERATOR[column]}, unlisted="drop")
    log = every_dtype_file.with_name(f"{column}.jsonl")
    single = privprep.apply(policy, pl.read_parquet(every_dtype_file), key=KEY, audit_log=log)
    df = spark.read.parquet(str(every_dtype_file))
    on_spark = collected(privprep.spark.apply(policy, df, key=KEY, audit_log=log))
    assert isinstance(single.frame, pl.DataFrame)
    assert_same_rows(single.frame, on_spark)


def test_written_outputs_have_the_same_digest_and_verify(
    spark: Any, every_dtype_file: Path, tmp_path: Path
) -> None:
    policy = make_policy(EVERY_OPERATOR, unlisted="fail")
    single, on_spark = both(spark, policy, every_dtype_file, tmp_path, KEY)
    written = pl.read_parquet(tmp_path / "spark.parquet" / "*.parquet")
    assert_same_rows(pl.read_parquet(tmp_path / "single.parquet"), written)
    digests = [r["result"]["output"]["digest"] for r in (single.record, on_spark.record)]
    assert digests[0] == digests[1] == path_digest(tmp_path / "spark.parquet")
    engines = [r["result"]["engine"] for r in (single.record, on_spark.record)]
    assert engines[0]["name"] == "polars" and engines[1]["name"] == "spark"
    assert engines[1]["version"].startswith("4.") and engines[1]["partitions"] == 3
    assert on_spark.record["result"]["output"]["rows"] == every_dtype().height
    scrub = single.record["result"]["scrub"]  # per source column: distinct values and rows matched
    assert scrub["notes"]["matches"]["email"] > 0 and on_spark.record["result"]["scrub"] == scrub
    assert verify_log(AuditLog(tmp_path / "audit.jsonl")).ok
    assert [r["kind"] for r in records(tmp_path / "audit.jsonl")] == ["started", "finished"] * 2


def test_verify_finds_a_changed_row_in_a_spark_output_folder(
    spark: Any, every_dtype_file: Path, tmp_path: Path
) -> None:
    policy = make_policy({"id": "pseudonymize", "name": "keep"}, unlisted="drop")
    log, out = tmp_path / "audit.jsonl", tmp_path / "out.parquet"
    privprep.spark.apply(policy, spark.read.parquet(str(every_dtype_file)), out, KEY, audit_log=log)
    assert verify_log(AuditLog(log)).ok
    part = sorted(out.glob("*.parquet"))[0]
    table = pl.read_parquet(part)
    table.with_columns(pl.col("name").reverse()).write_parquet(part)  # same values, other rows
    problems = verify_log(AuditLog(log)).problems
    assert len(problems) == 1 and "was modified after the run" in problems[0]  # its part file's SHA-256
