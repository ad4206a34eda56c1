"""A failing batch reports its error's type only: Spark logs an executor's error in full."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pytest

from privprep.spark.batches import BatchFailed, BatchPlan, _runner


def _quoting_failure(frame: pl.LazyFrame) -> pl.LazyFrame:
    raise ValueError("could not parse 'secret-value-4711'")  # as a library's message may quote data


@dataclass
class _Handle:  # what a task holds of the broadcast: its value, here without a SparkContext
    value: bytes


def test_a_failing_batch_raises_without_the_librarys_message() -> None:
    schema = pl.Schema({"a": pl.String})
    plan = BatchPlan(schema, {}, [pl.col("a")], pa.schema([("a", pa.large_string())]), _quoting_failure)
    run = _runner(_Handle(pickle.dumps(plan)), None)  # type: ignore[arg-type]
    batch = pa.record_batch({"a": ["secret-value-4711"]})
    with pytest.raises(BatchFailed) as caught:
        list(run(iter([batch])))
    assert "secret-value-4711" not in str(caught.value) and "ValueError" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
