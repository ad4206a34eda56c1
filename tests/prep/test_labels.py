"""Label columns: normalize, map, unknowns; counts in the audit; the taxonomy version check."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import finished
from hypothesis import given, settings
from hypothesis import strategies as st
from prep_helpers import counts, prepared

import privprep
from privprep import PrivprepError, ReasonCode

CHURN = {
    "normalize": ["strip", "casefold"],
    "map": {"churn": "churned", "yes": "churned", "no": "active", "cancelled": "churned"},
    "classes": ["active", "churned", "paused"],
    "unknown": "fail",
    "taxonomy_version": 3,
}
RAW = ["Churned", "churned ", "CHURN", "yes", "no", "active", None, " Cancelled", "churned"]


def test_eight_spellings_become_one_class() -> None:
    out = prepared(pl.DataFrame({"churned": RAW}), labels={"churned": CHURN})
    assert out["churned"].to_list() == [
        "churned", "churned", "churned", "churned", "active", "active", None, "churned", "churned",
    ]  # fmt: skip


def test_counts_by_hand() -> None:
    record = counts(pl.DataFrame({"churned": RAW}), labels={"churned": CHURN}).labels["churned"]
    # exact class spellings: "active" and "churned" once each; 6 others; one null
    assert record.before == {"active": 1, "churned": 1, "paused": 0, "__other__": 6, "__null__": 1}
    assert record.after == {"active": 2, "churned": 6, "paused": 0, "__null__": 1}
    # normalization changed "Churned", "churned ", "CHURN", " Cancelled"
    assert record.normalized == 4
    assert {r.key: r.rows for r in record.rules} == {"churn": 1, "yes": 1, "no": 1, "cancelled": 1}
    assert (record.unknown, record.unknown_distinct, record.taxonomy_version) == (0, 0, 3)


@pytest.mark.parametrize(
    ("unknown", "expected"),
    [("null", [None, "active", None]), ("other:paused", ["paused", "active", None])],
)
def test_unknown_values(unknown: str, expected: list[str | None]) -> None:
    spec = {**CHURN, "unknown": unknown}
    frame = pl.DataFrame({"churned": ["maybe", "no", None]})
    assert prepared(frame, labels={"churned": spec})["churned"].to_list() == expected
    record = counts(frame, labels={"churned": spec}).labels["churned"]
    assert (record.unknown, record.unknown_distinct) == (1, 1)
    assert sum(record.after.values()) == 3


def test_casefold_folds_sharp_s_and_unicode_widths() -> None:
    spec = {"normalize": ["casefold", "unicode"], "classes": ["strasse"], "unknown": "null"}
    out = prepared(pl.DataFrame({"v": ["STRAßE", "ｓｔｒａｓｓｅ"]}), labels={"v": spec})
    assert out["v"].to_list() == ["strasse", "strasse"]


def test_non_text_labels_are_mapped_by_their_text() -> None:
    spec = {"map": {"1": "yes", "0": "no"}, "classes": ["yes", "no"]}
    assert prepared(pl.DataFrame({"v": [1, 0, 1]}), labels={"v": spec})["v"].to_list() == ["yes", "no", "yes"]


SPELLINGS = ["Churned", "churn", "YES", "no ", "active", "paused", "weird", "", " x ", "Ünknown"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(SPELLINGS), st.text(max_size=4)), max_size=30))
def test_mapping_is_total_under_unknown_fail(values: list[str | None]) -> None:
    """Either the counting pass reports unknowns (the run fails) or every label is a class or null."""
    frame = pl.DataFrame({"churned": values}, schema={"churned": pl.String})
    record = counts(frame, labels={"churned": CHURN}).labels["churned"]
    assert sum(record.before.values()) == len(values)
    out = prepared(frame, labels={"churned": CHURN})["churned"].to_list()
    if record.unknown == 0:
        assert all(v is None or v in CHURN["classes"] for v in out)
        assert sum(record.after.values()) == len(values)
        assert [v is None for v in out] == [v is None for v in values]
    else:
        assert record.unknown == sum(
            1 for v, o in zip(values, out, strict=True) if v is not None and o is None
        )


def _policy(tmp_path: Path, version: int, unknown: str = "fail") -> Path:
    path = tmp_path / f"policy{version}{unknown.replace(':', '_')}.yaml"
    path.write_text(
        "version: 1\nname: churn\ncolumns: {id: keep}\n"
        f"labels:\n  churned: {{normalize: [strip, casefold], map: {{churn: churned}},"
        f" classes: [active, churned], unknown: '{unknown}', taxonomy_version: {version}}}\n"
    )
    return path


def test_unknown_fail_stops_the_run_with_counts_audited(tmp_path: Path, key: str) -> None:
    data = tmp_path / "in.parquet"
    pl.DataFrame({"id": [1, 2, 3], "churned": ["churn", "secret-spelling", "active"]}).write_parquet(data)
    log, out = tmp_path / "audit.jsonl", tmp_path / "out.parquet"
    with pytest.raises(PrivprepError) as caught:
        privprep.apply(_policy(tmp_path, 1), data, out, audit_log=log)
    assert caught.value.code is ReasonCode.LABEL_UNKNOWN
    assert "secret-spelling" not in str(caught.value)
    assert not out.exists()
    record = finished(log)[-1]
    assert record["result"]["failed_step"] == "prep"
    assert record["result"]["prep"]["labels"]["churned"]["unknown"] == 1
    assert "secret-spelling" not in log.read_text()


def test_a_changed_taxonomy_version_is_reported(tmp_path: Path, key: str) -> None:
    data = tmp_path / "in.parquet"
    pl.DataFrame({"id": [1, 2], "churned": ["churn", "active"]}).write_parquet(data)
    log = tmp_path / "audit.jsonl"
    first = privprep.apply(_policy(tmp_path, 1), data, tmp_path / "a.parquet", audit_log=log)
    assert not any("taxonomy" in w for w in first.warnings)
    same = privprep.apply(_policy(tmp_path, 1), data, tmp_path / "b.parquet", audit_log=log)
    assert not any("taxonomy" in w for w in same.warnings)
    second = privprep.apply(_policy(tmp_path, 2), data, tmp_path / "c.parquet", audit_log=log)
    assert any("taxonomy version 2 differs from 1" in w for w in second.warnings)
    labels = second.record["result"]["prep"]["labels"]["churned"]
    assert (labels["taxonomy_version"], labels["previous_taxonomy_version"]) == (2, 1)
