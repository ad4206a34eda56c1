"""Nested and binary columns are scanned by their leaves; unscannable ones are not kept silently."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import make_policy, records

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.detect.nested import UNSCANNABLE, leaves

N = 200


def paths(series: pl.Series) -> dict[str, pl.Series | None]:
    return {leaf.path: leaf.values for leaf in leaves(series, series.name, 10_000)}


def test_leaves_are_found_depth_first_with_their_paths() -> None:
    series = pl.Series(
        "c",
        [{"emails": ["a@x.io", None], "who": {"name": "Ann", "age": 3}, "tags": ["t"]}, None],
    )
    found = paths(series)
    assert list(found) == ["c.emails[]", "c.who.name", "c.who.age", "c.tags[]"]
    assert found["c.emails[]"].drop_nulls().to_list() == ["a@x.io"]  # type: ignore[union-attr]
    assert found["c.who.age"].dtype == pl.Int64  # type: ignore[union-attr]


def test_arrays_categoricals_and_enums_are_leaves_too() -> None:
    array = pl.Series("a", [["x", "y"]], dtype=pl.Array(pl.String, 2))
    assert paths(array)["a[]"].to_list() == ["x", "y"]  # type: ignore[union-attr]
    enums = pl.Series("e", [["p", "q"]], dtype=pl.List(pl.Enum(["p", "q"])))
    assert paths(enums)["e[]"].dtype == pl.Enum(["p", "q"])  # type: ignore[union-attr]


def test_binary_leaves_are_decoded_or_unscannable() -> None:
    text = paths(pl.Series("b", [b"ann@x.io", b"bob@y.io", None]))["b"]
    assert sorted(text.to_list()) == ["ann@x.io", "bob@y.io"]  # type: ignore[union-attr]
    (leaf,) = leaves(pl.Series("r", [b"\xff\xfe", b"ok"]), "r", 100)
    assert leaf.values is None and leaf.unscanned == "binary values that are not UTF-8 text"


def test_exploded_leaves_are_bounded() -> None:
    series = pl.Series("l", [[f"v{i}-{j}" for j in range(100)] for i in range(100)])
    assert paths(series.alias("l"))["l[]"].len() == 10_000  # type: ignore[union-attr]
    (leaf,) = leaves(series, "l", 500)
    assert leaf.values is not None and leaf.values.len() == 500


def nested_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(N)),
            "emails": [[f"user{i}@example.org", f"other{i}@mail.com"] for i in range(N)],
            "profile": [{"contact": f"p{i}@corp.io", "visits": i % 7} for i in range(N)],
            "blob": [f"mail{i}@host.net".encode() for i in range(N)],
            "opaque": [bytes([255, i % 256, 7]) for i in range(N)],
            "counts": [[i, i + 1] for i in range(N)],
        }
    )


def test_scan_finds_personal_data_in_leaves() -> None:
    report = privprep.scan(nested_frame(), sample=100)
    found = {c.name: c for c in report.columns}
    assert found["emails"].entity == "EMAIL_ADDRESS" and found["emails"].evidence["leaf"] == "emails[]"
    assert found["profile"].entity == "EMAIL_ADDRESS"
    assert found["profile"].evidence["leaf"] == "profile.contact"
    assert found["blob"].entity == "EMAIL_ADDRESS"
    assert found["opaque"].entity == UNSCANNABLE and found["opaque"].is_pii
    assert found["counts"].entity is None and found["counts"].evidence["dtype"] == "List(Int64)"
    assert "@" not in str(report.to_json_dict())


@pytest.mark.parametrize(
    ("column", "leaf"),
    [("emails", "emails[]"), ("profile", "profile.contact"), ("blob", "blob"), ("opaque", "opaque")],
)
def test_unlisted_keep_fails_on_pii_in_a_leaf_naming_column_and_path(
    tmp_path: Path, column: str, leaf: str
) -> None:
    frame = nested_frame().select("id", column)
    policy = make_policy({"id": "keep"}, "keep", detect={"on_undeclared_pii": "fail"})
    log = tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as err:
        privprep.apply(policy, frame, tmp_path / "out.parquet", audit_log=log)
    assert err.value.code is ReasonCode.UNDECLARED_PII and err.value.exit_code == 5
    message = str(err.value)
    assert f"column {column}" in message and f"leaf: {leaf}" in message
    assert "@" not in message and not (tmp_path / "out.parquet").exists()
    assert "@" not in log.read_text() and records(log)[-1]["result"]["status"] == "failed"


def test_a_named_or_dropped_nested_column_passes(tmp_path: Path) -> None:
    policy = make_policy({"id": "keep", "emails": "drop", "opaque": "keep"}, "drop")
    out = privprep.apply(policy, nested_frame(), tmp_path / "o.parquet", audit_log=tmp_path / "a.jsonl")
    assert pl.read_parquet(out.output_path).columns == ["id", "opaque"]  # type: ignore[arg-type]


def test_warn_keeps_an_unscannable_column_with_a_warning(tmp_path: Path) -> None:
    policy = make_policy({"id": "keep"}, "keep", detect={"on_undeclared_pii": "warn"})
    frame = nested_frame().select("id", "opaque")
    result = privprep.apply(policy, frame, tmp_path / "o.parquet", audit_log=tmp_path / "a.jsonl")
    assert any("opaque" in w and UNSCANNABLE in w for w in result.warnings)
