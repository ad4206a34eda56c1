"""``privprep apply --engine spark``: read the input with Spark, run, stop the session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from privprep.engine import _output_path
from privprep.errors import ReasonCode, fail
from privprep.policy import load_policy
from privprep.spark.engine import SparkResult, run
from privprep.spark.session import local_session


def apply_spark(
    policy: Path,
    input: Path | None,
    output: Path | None,
    audit_log: Path | None,
    master: str,
    status: Callable[[str], object],
    input_options: dict[str, Any] | None = None,
) -> SparkResult:
    """Apply ``policy`` to the Parquet file or folder ``input`` on a Spark session at ``master``."""
    loaded = load_policy(policy, engine="spark")  # what Spark refuses, with its lines, before it starts
    formats = {(input_options or {}).get("format"), loaded.input.format} - {None, "parquet"}
    if input is None or loaded.input.duckdb or formats:
        message = "--engine spark reads Parquet files and folders only; convert other inputs first"
        raise fail(ReasonCode.INPUT_INVALID, message)
    if not input.exists():
        raise fail(ReasonCode.INPUT_NOT_FOUND, f"input {input} does not exist")
    status("starting Spark...")
    spark = local_session(master)
    try:
        try:
            df = spark.read.parquet(str(input))
        except Exception as exc:  # Spark's message may quote the file's content: its type only
            message = f"input {input} is not readable Parquet ({type(exc).__name__})"
            raise fail(ReasonCode.INPUT_INVALID, message) from None
        target = _output_path(loaded, input, output)
        return run(
            loaded, df, output=target, audit_log=audit_log, input_path=input, policy_path=policy,
            on_stage=lambda stage: status(f"{stage}..."),
        )  # fmt: skip
    finally:
        spark.stop()
