"""The HTML run report: complete, self-contained, escaped, and free of any input value."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import SAMPLE

import privprep
from privprep.audit import AuditLog
from privprep.dp.records import MetricRecord, ReleaseRecord
from privprep.report import write_report

PROTECTED = ["customer_id", "full_name", "email", "phone", "street_address", "ssn", "card_number", "notes",
             "zip", "birth_date", "birth_date_str", "city"]  # fmt: skip
POLICY = """
version: 1
name: reviewed
description: every direct identifier faked, pseudonymized or dropped
columns:
  customer_id: {action: pseudonymize, domain: customer}
  full_name: {action: fake, kind: name}
  email: {action: fake, kind: email}
  phone: {action: fake, kind: phone}
  street_address: {action: fake, kind: street}
  ssn: drop
  card_number: drop
  notes: redact
  city: {action: fake, kind: city}
  zip: {action: generalize, keep_prefix: 1}
  birth_date: {action: generalize, to: decade}
  birth_date_str: drop
  gender: keep
  diagnosis: keep
unlisted: keep
checks:
  k_anonymity: {quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress, max_suppression: 0.06}
  l_diversity: {quasi_identifiers: [zip, birth_date, gender], sensitive: diagnosis, l: 2, on_fail: suppress,
                max_suppression: 0.05}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[privprep.Result, Path]:
    folder = tmp_path_factory.mktemp("report")
    result = privprep.apply(
        privprep.parse_policy(POLICY), SAMPLE, folder / "out.parquet", key="7f3a9c2e4b1d8f6a-test"
    )
    path = write_report(result.record, folder / "report.html", log=AuditLog(result.audit_log))
    return result, path


def raw_values(column: str) -> set[str]:
    """Every distinct input value of ``column`` as text, as it could show up in a page."""
    series = pl.read_parquet(SAMPLE, columns=[column])[column].drop_nulls().unique()
    if series.dtype == pl.Float64:
        series = series.cast(pl.Int64, strict=False).drop_nulls()
    return {str(v).strip() for v in series.to_list()} - {""}


@pytest.mark.slow  # a full-sample run, 5 s
def test_no_input_value_of_a_protected_column_appears(run: tuple[privprep.Result, Path]) -> None:
    html = run[1].read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html)
    leaked = []
    for column in PROTECTED:
        for value in raw_values(column):
            if value.isdigit():  # numbers: whole tokens only (hex digests contain digit runs)
                found = re.search(rf"(?<![0-9A-Za-z]){value}(?![0-9A-Za-z])", text)
            else:
                found = len(value) >= 4 and re.sub(r"\s+", " ", value) in text
            if found:
                leaked.append(column)
    assert leaked == []


def test_report_shows_what_a_reviewer_needs(run: tuple[privprep.Result, Path]) -> None:
    result, path = run
    html = path.read_text(encoding="utf-8")
    header = result.record["header"]
    assert header["policy"]["sha256"] in html and header["input"]["sha256"] in html
    assert result.record["result"]["output"]["sha256"] in html
    for needle in ("k-anonymity", "l-diversity", "rows per class", "Audit chain", "verified", "pseudonymize",
                   "domain=customer", "keep_prefix=1", "nulls in → out", "<svg"):  # fmt: skip
        assert needle in html
    for warning in result.warnings:
        assert warning.replace("'", "&#x27;") in html


def test_report_is_self_contained(run: tuple[privprep.Result, Path]) -> None:
    html = run[1].read_text(encoding="utf-8")
    for forbidden in ("<script", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"):
        assert forbidden not in html.lower()
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}


def test_every_record_text_is_escaped(run: tuple[privprep.Result, Path], tmp_path: Path) -> None:
    record = copy.deepcopy(run[0].record)
    evil = "<script>alert(1)</script>"
    record["header"]["policy"]["name"] = evil
    record["header"]["columns"][0]["name"] = evil
    record["result"]["warnings"] = [f'"><img src=x onerror=alert(1)>{evil}']
    record["result"]["releases"] = [release(name=evil, metrics=[metric(name=evil, mechanism=evil)])]
    html = write_report(record, tmp_path / "r.html").read_text(encoding="utf-8")
    assert evil not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chain_status_reflects_tampering(run: tuple[privprep.Result, Path], tmp_path: Path) -> None:
    result = run[0]
    log = tmp_path / "log.jsonl"
    log.write_text(result.audit_log.read_text(encoding="utf-8"), encoding="utf-8")
    assert "verified" in write_report(result.record, tmp_path / "ok.html", log=AuditLog(log)).read_text()
    record = json.loads(log.read_text().splitlines()[-1])
    record["result"]["warnings"] = []
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    html = write_report(record, tmp_path / "bad.html", log=AuditLog(log)).read_text()
    assert "not intact" in html and "does NOT match its hash" in html
    assert "not checked" in write_report(result.record, tmp_path / "nolog.html").read_text()


def metric(**fields: Any) -> dict[str, Any]:
    """A DP metric as the audit record holds it (the record is typed: every field is required)."""
    base = {"name": "count", "kind": "count", "integer": True, "mechanism": "laplace", "sensitivity": 1.0}
    fields = base | {"scale": 2.0, "accuracy": 5.99} | fields
    return MetricRecord.model_validate(fields).model_dump(mode="json")


def release(**fields: Any) -> dict[str, Any]:
    base = {
        "name": "churn_by_region", "dataset": "d", "run_id": "r", "path": "/x.parquet", "privacy_unit": "row",
        "rows_per_unit": 1, "truncated": False, "group_by": ["region"], "keys": "public", "groups": 4,
        "epsilon": 0.5, "delta": 0.0, "budget_epsilon": 3.0, "budget_delta": 0.0, "epsilon_spent_total": 0.5,
        "delta_spent_total": 0.0, "epsilon_remaining": 2.5, "delta_remaining": 0.0, "ledger": "/l.sqlite",
        "ledger_state": "committed", "metrics": [metric()], "opendp_version": "0",
        "opendp_features": ["contrib"], "seconds": 0.1,
    }  # fmt: skip
    return ReleaseRecord.model_validate(base | fields).model_dump(mode="json")


def releases_record(base: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(base)
    record["result"]["releases"] = [release()]
    return record


def test_dp_releases_are_rendered_generically(run: tuple[privprep.Result, Path], tmp_path: Path) -> None:
    html = write_report(releases_record(run[0].record), tmp_path / "dp.html").read_text(encoding="utf-8")
    for needle in ("Differential privacy releases", "churn_by_region", "epsilon spent total",
                   "epsilon remaining", "2.5", "laplace", "accuracy", "5.99",
                   "ε spent (1 release)"):  # fmt: skip
        assert needle in html


def test_failed_run_report(tmp_path: Path) -> None:
    policy = privprep.parse_policy(POLICY.replace("keep_prefix: 1", "keep_prefix: 5").replace("0.06", "0.01"))
    with pytest.raises(privprep.PrivprepError):
        privprep.apply(policy, SAMPLE, tmp_path / "out.parquet", key="7f3a9c2e4b1d8f6a-test")
    log = AuditLog(tmp_path / "privprep-audit.jsonl")
    record = log.records()[-1]
    html = write_report(record, tmp_path / "failed.html", log=log).read_text(encoding="utf-8")
    assert "The run failed (check_failed)" in html and "Coarsening or dropping" in html
    assert "not written" in html
