"""The report's training-data and drift sections: class chart, counts under k hidden, imbalance ratio."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import privprep
from privprep.report import write_report
from privprep.report.ml import imbalance_ratio, label_views


def test_imbalance_ratio_ignores_classes_under_k() -> None:
    assert imbalance_ratio([90, 30, 3], k=10) == 3.0
    assert imbalance_ratio([90, 3], k=10) is None


def test_report_shows_classes_with_small_counts_hidden(tmp_path: Path, key: str) -> None:
    data = tmp_path / "in.parquet"
    labels = ["active"] * 60 + ["churned"] * 20 + ["paused"] * 3
    pl.DataFrame({"id": range(len(labels)), "y": labels}).write_parquet(data)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: r\ncolumns: {id: keep}\n"
        "labels:\n  y: {classes: [active, churned, paused, new], taxonomy_version: 7}\n"
        "checks: {drift: {k: 5}}\n"
    )
    result = privprep.apply(policy, data, tmp_path / "out.parquet", audit_log=tmp_path / "a.jsonl")
    (view,) = label_views(privprep.audit.record.Outcome.model_validate(result.record["result"]).prep)
    assert view.classes == [("active", 60), ("churned", 20), ("paused", None), ("new", 0)]
    assert view.imbalance == "3.00 : 1"
    html = write_report(result.record, tmp_path / "report.html").read_text()
    assert "Training data" in html and "imbalance ratio <b>3.00 : 1</b>" in html
    assert "&lt; 5</text>" in html and ">3</text>" not in html
    assert "No earlier run to compare with" in html
