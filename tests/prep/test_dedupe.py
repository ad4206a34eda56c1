"""Dedupe equals pandas drop_duplicates; near-duplicates by a normalized text column; counts audited."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prep_helpers import counts, prepared

import privprep

KEEP = {"first": "first", "last": "last", "none": False}

rows = st.lists(
    st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(["a", "b", None]), st.sampled_from([0.5, 1.5])),
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(rows, st.sampled_from(list(KEEP)), st.sampled_from([["a"], ["a", "b"], ["b", "c"], "all"]))
def test_equals_pandas_drop_duplicates(data: list[tuple], keep: str, on: list[str] | str) -> None:
    frame = pl.DataFrame(data, schema={"a": pl.Int64, "b": pl.String, "c": pl.Float64}, orient="row")
    ours = prepared(frame, dedupe={"on": on, "keep": keep})
    subset = None if on == "all" else on
    theirs = frame.to_pandas().drop_duplicates(subset=subset, keep=KEEP[keep])
    expected = pl.from_pandas(theirs.reset_index(drop=True), schema_overrides=frame.schema)
    assert ours.to_dicts() == expected.to_dicts()
    record = counts(frame, dedupe={"on": on, "keep": keep})
    assert record.dedupe is not None
    assert (record.dedupe.rows_in, record.dedupe.rows_out) == (frame.height, len(theirs))


def test_near_duplicates_of_a_normalized_text_column() -> None:
    frame = pl.DataFrame(
        {"id": [1, 1, 1, 2], "comment": ["Great  product", " great product", "bad", "great product"]}
    )
    spec = {"on": ["id", "comment"], "normalize": {"comment": ["strip", "casefold", "collapse_spaces"]}}
    out = prepared(frame, dedupe=spec)
    assert out.rows() == [(1, "Great  product"), (1, "bad"), (2, "great product")]
    assert counts(frame, dedupe=spec).dedupe.removed == 1  # type: ignore[union-attr]


def test_dedupe_runs_before_keyed_transforms(tmp_path: Path, key: str) -> None:
    """600 duplicate rows in, 1 out: duplicates go before pseudonyms could make them look different."""
    data = tmp_path / "in.parquet"
    pl.DataFrame({"email": ["a@x.io"] * 600 + ["b@x.io"], "n": [1] * 601}).write_parquet(data)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: d\ncolumns: {email: pseudonymize, n: keep}\ndedupe: {on: all, keep: first}\n"
    )
    result = privprep.apply(policy, data, tmp_path / "out.parquet", audit_log=tmp_path / "a.jsonl")
    assert pl.read_parquet(tmp_path / "out.parquet").height == 2
    dedupe = result.record["result"]["prep"]["dedupe"]
    assert (dedupe["rows_in"], dedupe["rows_out"]) == (601, 2)
    assert any("dedupe removed 599" in w for w in result.warnings)


@pytest.mark.parametrize(("keep", "expected"), [("first", [1, 2, 3]), ("last", [1, 3, 2]), ("none", [3])])
def test_keep_by_hand(keep: str, expected: list[int]) -> None:
    frame = pl.DataFrame({"a": [1, 2, 1, 3, 2]})
    assert prepared(frame, dedupe={"on": ["a"], "keep": keep})["a"].to_list() == expected
