"""The content digest summed in the write pass is the digest of the files as written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from core_helpers import KEY, SAMPLE

import privprep
from privprep.digest import path_digest
from privprep.policy.inputs import OutputSpec

TEXT = """
version: 1
name: written
columns:
  customer_id: pseudonymize
  full_name: {action: fake, kind: name}
  zip: {action: generalize, keep_prefix: 1}
  birth_date: {action: generalize, to: decade}
  gender: keep
unlisted: drop
"""
SUPPRESS = (
    "checks:\n  k_anonymity: {quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress,"
    " max_suppression: 0.06}\n"
)


def test_the_digest_of_a_rewritten_output_is_of_the_rows_kept(tmp_path: Path) -> None:
    """Suppression writes the output twice: the record holds the second pass's digest."""
    result = privprep.apply(privprep.parse_policy(TEXT + SUPPRESS), SAMPLE, tmp_path / "out.parquet", key=KEY)
    output = result.record["result"]["output"]
    assert result.record["result"]["checks"]["rows_suppressed"] > 0
    assert output["digest"] == path_digest(tmp_path / "out.parquet")
    assert output["rows"] == pl.read_parquet(tmp_path / "out.parquet").height


def test_the_digest_of_a_partitioned_output_is_of_its_files(tmp_path: Path) -> None:
    policy = privprep.parse_policy(TEXT).model_copy(update={"output": OutputSpec(partition_by=["gender"])})
    result = privprep.apply(policy, SAMPLE, tmp_path / "out", key=KEY)
    assert len(list((tmp_path / "out").iterdir())) > 1
    assert result.record["result"]["output"]["digest"] == path_digest(tmp_path / "out")
