"""The example policy policies/customers-ml.yaml on the bundled sample, twice (the second run
compares with the first)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import POLICIES, SAMPLE

import privprep


@pytest.mark.slow  # scrubs the notes with the NLP model
def test_sample_training_set(tmp_path: Path, key: str) -> None:
    policy = privprep.load_policy(POLICIES / "customers-ml.yaml")
    log = tmp_path / "audit.jsonl"
    first = privprep.apply(policy, SAMPLE, tmp_path / "one.parquet", audit_log=log)
    out = pl.read_parquet(tmp_path / "one.parquet")
    assert set(out["label"].drop_nulls()) == {"yes", "no"}
    prep = first.record["result"]["prep"]
    assert (prep["dedupe"]["rows_in"], prep["dedupe"]["rows_out"]) == (5000, 4925)
    assert prep["labels"]["label"]["unknown"] == 0
    per_customer = out.group_by("customer_id").agg(pl.col("split").n_unique())
    assert (per_customer["split"] == 1).all()  # pseudonyms keep entities apart: one split each
    second = privprep.apply(policy, SAMPLE, tmp_path / "two.parquet", audit_log=log)
    comparison = second.record["result"]["drift"]["comparison"]
    assert comparison["baseline"] == first.run_id
    assert not [c for c in comparison["columns"] if c["drifted"]]
