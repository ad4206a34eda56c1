"""The risk gate inside a run: pass, refuse with a suggestion, suppress within bounds, refuse above."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from core_helpers import SAMPLE

import privprep
from privprep.errors import PrivprepError, ReasonCode

KEY = "7f3a9c2e4b1d8f6a-test"


def policy_text(zip_rule: str, birth_rule: str, checks: str) -> str:
    return f"""
version: 1
name: gate
columns:
  customer_id: pseudonymize
  full_name: {{action: fake, kind: name}}
  zip: {zip_rule}
  birth_date: {birth_rule}
  gender: keep
  diagnosis: keep
unlisted: drop
checks:
{checks}
"""


GENERALIZED = ("{action: generalize, keep_prefix: 1}", "{action: generalize, to: decade}")
K_ZIP_BIRTH = "  k_anonymity: {quasi_identifiers: [zip, birth_date], k: 5}"
K_ALL = (
    "  k_anonymity: {{quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress,"
    " max_suppression: {}}}"
)


def run(tmp_path: Path, text: str) -> privprep.Result:
    return privprep.apply(privprep.parse_policy(text), SAMPLE, tmp_path / "out.parquet", key=KEY)


def last_record(tmp_path: Path) -> dict:
    lines = (tmp_path / "privprep-audit.jsonl").read_text().splitlines()
    return json.loads(lines[-1])


def test_generalized_quasi_identifiers_pass(tmp_path: Path) -> None:
    result = run(tmp_path, policy_text(*GENERALIZED, K_ZIP_BIRTH))
    checks = result.record["result"]["checks"]
    assert checks["passed"] and checks["k_anonymity"]["k_achieved"] >= 5
    assert checks["k_anonymity"]["input"]["unique_share"] > 0.25  # raw zip + birth date single people out
    assert checks["k_anonymity"]["output"]["unique_share"] == 0.0
    assert pl.read_parquet(result.output_path).height == 5000 == checks["rows_written"]


def test_raw_quasi_identifiers_fail_with_a_suggestion_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(PrivprepError) as err:
        run(tmp_path, policy_text("keep", "{action: generalize, to: decade}", K_ZIP_BIRTH))
    assert err.value.code is ReasonCode.CHECK_FAILED
    message = str(err.value)
    assert "k-anonymity failed on (zip, birth_date)" in message and "k = 5 required, 1 achieved" in message
    assert "Coarsening or dropping 'zip' helps most" in message
    assert not (tmp_path / "out.parquet").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    record = last_record(tmp_path)["result"]
    assert record["status"] == "failed" and record["reason_code"] == "check_failed"
    assert record["checks"]["k_anonymity"]["suggestion"]["quasi_identifier"] == "zip"


def test_suppression_within_the_bound_removes_the_rows(tmp_path: Path) -> None:
    result = run(tmp_path, policy_text(*GENERALIZED, K_ALL.format(0.06)))
    checks = result.record["result"]["checks"]
    removed = checks["rows_suppressed"]
    assert 0 < removed <= 0.06 * 5000 and checks["k_anonymity"]["status"] == "suppressed"
    written = pl.read_parquet(result.output_path)
    assert written.height == 5000 - removed == result.record["result"]["output"]["rows"]
    sizes = written.group_by(["zip", "birth_date", "gender"]).len()["len"]
    assert sizes.min() >= 5
    assert any("suppressed" in w for w in result.warnings)


def test_suppression_above_the_bound_fails_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(PrivprepError) as err:
        run(tmp_path, policy_text(*GENERALIZED, K_ALL.format(0.02)))
    assert "above max_suppression 2.00%" in str(err.value)
    assert not (tmp_path / "out.parquet").exists()
    assert last_record(tmp_path)["result"]["checks"]["rows_written"] == 0


def test_l_diversity_runs_on_the_output(tmp_path: Path) -> None:
    checks = (
        "  l_diversity: {quasi_identifiers: [zip, birth_date], sensitive: diagnosis, l: 2, on_fail: suppress,"
        " max_suppression: 0.05}"
    )
    result = run(tmp_path, policy_text(*GENERALIZED, checks))
    entry = result.record["result"]["checks"]["l_diversity"]
    assert entry["l_achieved"] >= 2 and entry["input"]["lowest_diversity"] == 1


def test_unchecked_quasi_identifiers_are_warned_about(tmp_path: Path) -> None:
    result = run(tmp_path, policy_text(*GENERALIZED, K_ZIP_BIRTH))
    assert any("'gender'" in w and "no risk check lists it" in w for w in result.warnings)
