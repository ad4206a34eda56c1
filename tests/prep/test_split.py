"""Leak-free splits: one split per entity, fractions within binomial tolerance, stable across runs
and tables, keyed (another key or domain gives another assignment), optional stratification."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from core_helpers import OTHER_KEY
from hypothesis import given, settings
from hypothesis import strategies as st
from prep_helpers import counts, prepared

import privprep
from privprep.keys import MasterKey

SPLIT = {"by": "customer_id", "train": 0.8, "validation": 0.1, "test": 0.1}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 30), st.none()), max_size=80))
def test_no_entity_in_two_splits(ids: list[int | None]) -> None:
    frame = pl.DataFrame(
        {"customer_id": ids, "row": range(len(ids))}, schema={"customer_id": pl.Int64, "row": pl.Int64}
    )
    out = prepared(frame, split=SPLIT)
    assert out["row"].to_list() == list(range(len(ids)))  # rows kept, in order
    per_entity = out.drop_nulls("customer_id").group_by("customer_id").agg(pl.col("split").n_unique())
    assert (per_entity["split"] == 1).all()
    assert out.filter(pl.col("customer_id").is_null())["split"].null_count() == ids.count(None)
    assert set(out["split"].drop_nulls()) <= {"train", "validation", "test"}


@pytest.mark.parametrize("fractions", [(0.8, 0.1, 0.1), (0.5, 0.25, 0.25), (0.7, 0.3, 0.0), (1.0, 0.0, 0.0)])
def test_fractions_within_binomial_tolerance(fractions: tuple[float, float, float]) -> None:
    n = 20_000
    spec = dict(zip(("train", "validation", "test"), fractions, strict=True))
    frame = pl.DataFrame({"customer_id": [f"c{i}" for i in range(n)]})
    record = counts(frame, split={"by": "customer_id", **spec})
    assert record.split is not None
    for name, p in spec.items():
        sigma = math.sqrt(n * p * (1 - p))
        assert abs(record.split.entities[name] - n * p) <= 4 * sigma + 1e-9, name


def test_stable_across_tables_sharing_the_entity_domain() -> None:
    orders = pl.DataFrame({"customer_id": list(range(0, 1000)) * 2, "amount": range(2000)})
    tickets = pl.DataFrame({"topic": ["x"] * 1000, "customer_id": list(range(500, 1500))})
    a = prepared(orders, split=SPLIT).unique("customer_id").select("customer_id", "split")
    b = prepared(tickets, split=SPLIT).unique("customer_id").select("customer_id", "split")
    both = a.join(b, on="customer_id")
    assert both.height == 500
    assert (both["split"] == both["split_right"]).all()


def test_another_key_or_domain_gives_another_assignment() -> None:
    frame = pl.DataFrame({"customer_id": range(2000)})
    base = prepared(frame, split=SPLIT)["split"]
    other_key = prepared(frame, MasterKey(OTHER_KEY.encode()), split=SPLIT)["split"]
    other_domain = prepared(frame, split={**SPLIT, "seed_domain": "other"})["split"]
    assert (base != other_key).sum() > 200
    assert (base != other_domain).sum() > 200


def test_stratified_fractions_are_exact_per_class() -> None:
    n = 1000
    frame = pl.DataFrame(
        {"customer_id": range(n), "label": ["rare" if i % 10 == 0 else "common" for i in range(n)]}
    )
    labels = {"label": {"classes": ["common", "rare"]}}
    out = prepared(frame, labels=labels, split={**SPLIT, "stratify": "label"})
    shares = out.group_by("label", "split").len().sort("label", "split")
    for label, size in (("common", 900), ("rare", 100)):
        got = dict(shares.filter(pl.col("label") == label).select("split", "len").iter_rows())
        assert abs(got["train"] - 0.8 * size) <= 1 and abs(got["test"] - 0.1 * size) <= 1


def test_split_runs_are_stable_and_audited(tmp_path: Path, key: str) -> None:
    data = tmp_path / "in.parquet"
    pl.DataFrame({"customer_id": [1, 1, 2, 3, None], "x": range(5)}).write_parquet(data)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: s\ncolumns: {customer_id: pseudonymize, x: keep}\n"
        "split: {by: customer_id, train: 0.5, validation: 0.25, test: 0.25}\n"
    )
    log = tmp_path / "a.jsonl"
    one = privprep.apply(policy, data, tmp_path / "one.parquet", audit_log=log)
    two = privprep.apply(policy, data, tmp_path / "two.parquet", audit_log=log)
    first, second = (pl.read_parquet(tmp_path / f) for f in ("one.parquet", "two.parquet"))
    assert first.columns == ["customer_id", "x", "split"]
    assert first["split"].to_list() == second["split"].to_list()
    split = one.record["result"]["prep"]["split"]
    assert sum(split["rows"].values()) == 4 and split["rows_without_entity"] == 1
    assert sum(split["entities"].values()) == 3
    assert two.record["header"]["key_fingerprint"] is not None


@settings(max_examples=40, deadline=None)
@given(st.sets(st.text(min_size=1, max_size=6), min_size=1, max_size=40), st.data())
def test_an_entity_split_ignores_the_rest_of_the_table(ids: set[str], data: st.DataObject) -> None:
    everyone = sorted(ids)
    some = data.draw(st.lists(st.sampled_from(everyone), min_size=1, unique=True))
    full = dict(prepared(pl.DataFrame({"customer_id": everyone}), split=SPLIT).iter_rows())
    part = dict(prepared(pl.DataFrame({"customer_id": some}), split=SPLIT).iter_rows())
    assert part == {i: full[i] for i in some}


def test_a_stratified_split_of_a_parquet_file_in_several_chunks_is_counted(tmp_path: Path, key: str) -> None:
    frame = pl.DataFrame({"customer_id": [i % 40 for i in range(300)], "label": ["a", "b", "a"] * 100})
    data = tmp_path / "in.parquet"
    pl.concat([frame, frame.head(30)], rechunk=False).write_parquet(data)  # once broke the counting plan
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: s\ncolumns: {customer_id: pseudonymize}\nlabels: {label: {classes: [a, b]}}\n"
        "split: {by: customer_id, stratify: label}\n"
    )
    result = privprep.apply(policy, data, tmp_path / "out.parquet", audit_log=tmp_path / "a.jsonl")
    counted = result.record["result"]["prep"]["split"]
    assert sum(counted["rows"].values()) == 330 and sum(counted["entities"].values()) == 40
