"""Drift profiles, prep counts and their report hold no raw value: not a frequent category, not a raw
label spelling, not a value of a protected column."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from core_helpers import occurring

import privprep
from privprep.report import write_report

FREQUENT = [f"Zebra-Secret-{i}" for i in range(5)]  # each occurs 40 times: above any k
SPELLINGS = ["Churned-XYZ", "  gone-QQQ  ", "active"]  # the map names "gone-QQQ"


def test_no_value_in_the_audit_log_or_report(tmp_path: Path, key: str) -> None:
    n = 200
    frame = pl.DataFrame({
        "email": [f"person{i}@example-secret.org" for i in range(n)],
        "segment": [FREQUENT[i % 5] for i in range(n)],
        "flag": [i % 3 == 0 for i in range(n)],
        "label": [SPELLINGS[i % 3] for i in range(n)],
        "amount": [1234.5678 + i for i in range(n)],
    })  # fmt: skip
    data = tmp_path / "in.parquet"
    frame.write_parquet(data)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: leaks\ncolumns: {email: pseudonymize, segment: keep, flag: keep, amount: keep}\n"
        "labels:\n  label: {normalize: [strip], map: {Churned-XYZ: churned, gone-QQQ: churned},"
        " classes: [active, churned]}\n"
        "dedupe: {on: all}\nsplit: {by: email}\nchecks: {drift: {k: 5}}\n"
    )
    log = tmp_path / "audit.jsonl"
    for name in ("one", "two"):  # the second run compares with the first
        result = privprep.apply(policy, data, tmp_path / f"{name}.parquet", audit_log=log)
    report = write_report(result.record, tmp_path / "report.html")
    texts = [log.read_text(), report.read_text()]
    raw = [*frame["email"], *FREQUENT, "  gone-QQQ  ", "1234.5678"]
    assert occurring(raw, texts) == set()
    profile = result.record["result"]["drift"]["profile"]["columns"]
    assert profile["segment"]["histogram"]["kind"] == "category"
    assert len(profile["segment"]["histogram"]["bins"]) == 6  # five digests and __other__
    assert result.record["result"]["drift"]["comparison"]["columns"]
