"""DPRun end to end: the published frame, the release record, the ledger it leaves."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from dp_helpers import KEY, REGIONS, customers, keyed, prepared, release, spec, write

from privprep.dp import DPRun, budget_summary
from privprep.dp.output import finish
from privprep.errors import PrivprepError, ReasonCode

METRICS = [
    "count",
    {"sum": "salary", "bounds": [0, 250000]},
    {"mean": "age", "bounds": [18, 100]},
    {"median": "wait_minutes", "candidates": [0, 5, 10, 30, 60, 120, 240]},
    {"sum": "score", "bounds": [0, 1]},
]


def _run(tmp_path: Path, *releases: dict, **top) -> tuple[DPRun, Path]:
    ledger = tmp_path / "budget.sqlite"
    lf = write(customers(), tmp_path)
    return DPRun.prepare(
        spec(*releases, **top), lf, dataset="crm", ledger_path=ledger, run_id="run-1", **keyed(ledger)
    ), ledger


def test_release_frame_and_record(tmp_path: Path) -> None:
    run, ledger = _run(tmp_path, release(metrics=METRICS, path="out/by_region.parquet"))
    assert run.warnings == []
    (table,) = run.release()
    frame = table.frame
    assert frame["region"].to_list() == sorted(REGIONS)
    assert frame.columns == [
        "region",
        "count", "count_clamped", "count_scale", "count_accuracy",
        "salary_sum", "salary_sum_scale", "salary_sum_accuracy",
        "age_mean", "age_mean_sum_scale", "age_mean_count_scale", "age_mean_accuracy",
        "wait_minutes_median", "wait_minutes_median_scale", "wait_minutes_median_rank_accuracy",
        "score_sum", "score_sum_scale", "score_sum_accuracy",
    ]  # fmt: skip
    assert frame.schema["count"] == pl.Int64 and frame.schema["salary_sum"] == pl.Int64
    assert frame.schema["score_sum"] == pl.Float64
    assert (frame["count"] >= 0).all()
    assert set(frame["wait_minutes_median"]) <= {0, 5, 10, 30, 60, 120, 240}
    ages = frame["age_mean"].drop_nulls()
    assert ((ages >= 18) & (ages <= 100)).all()
    record = table.record
    assert (record.name, record.path, record.keys, record.groups) == (
        "by_region",
        "out/by_region.parquet",
        "public",
        4,
    )
    assert record.ledger_state == "released" and record.epsilon_spent_total == pytest.approx(1.0)
    kinds = {m.name: m for m in record.metrics}
    assert kinds["salary_sum"].integer and not kinds["score_sum"].integer
    assert kinds["count"].accuracy == pytest.approx(frame["count_accuracy"][0])
    assert kinds["age_mean"].accuracy_column == "age_mean_accuracy"
    assert record.opendp_features == ["contrib"]
    (committed,) = run.commit()
    assert committed.ledger_state == "committed"
    assert (committed.epsilon_remaining, committed.budget_epsilon) == (pytest.approx(9.0), 10.0)
    (summary,) = budget_summary(ledger, key=KEY)
    assert [(e.release, e.state, e.run_id) for e in summary.entries] == [("by_region", "committed", "run-1")]


def test_frame_writes_to_parquet_with_metadata(tmp_path: Path) -> None:
    run, _ = _run(tmp_path, release(metrics=METRICS))
    (table,) = run.release()
    path = tmp_path / "t.parquet"
    table.frame.write_parquet(path, metadata={"privprep.run_id": table.record.run_id})
    assert pq.read_metadata(path).metadata[b"privprep.run_id"] == b"run-1"
    assert pl.read_parquet(path).equals(table.frame)


def test_global_release_and_discovered_keys(tmp_path: Path) -> None:
    run, _ = _run(
        tmp_path,
        release(name="total", group_by=[], keys=None, epsilon=0.5, metrics=["count"]),
        release(name="found", keys=None, delta=1e-7, epsilon=0.5, max_groups=2),
    )
    total, found = run.release()
    assert total.frame.height == 1 and total.record.keys == "none"
    assert found.record.keys == "discovered" and found.record.threshold is not None
    assert found.frame.height == 2 and found.record.groups_dropped == 2
    assert found.record.delta == 1e-7


def test_counts_below_zero_are_clamped_and_flagged(tmp_path: Path) -> None:
    lf = write(customers(5), tmp_path)
    keys = [f"k{i}" for i in range(200)] + REGIONS
    aggs = spec(release(keys=keys, epsilon=0.05))
    ledger = tmp_path / "l.sqlite"
    run = DPRun.prepare(aggs, lf, dataset="d", ledger_path=ledger, run_id="r", **keyed(ledger))
    (table,) = run.release()
    flagged = table.frame.filter("count_clamped")
    assert flagged.height > 20 and (flagged["count"] == 0).all()
    assert table.record.clamped_counts == flagged.height


def test_mean_postprocessing(tmp_path: Path) -> None:
    """Mean = noisy sum / noisy count, clipped to bounds; null (with null accuracy) when count ≤ 0."""
    aggs = spec(release(keys=["north", "south", "east"], metrics=[{"mean": "age", "bounds": [18, 100]}]))
    prep = prepared(aggs, write(customers(), tmp_path))
    raw = pl.DataFrame(
        {
            "region": ["north", "south", "east"],
            "age_mean__sum": [5000, 900, 10],
            "age_mean__count": [100, 0, -3],
        }
    )
    frame, (record,), _, _ = finish(prep, raw)
    assert frame.sort("region")["age_mean"].to_list() == [None, 50.0, None]
    widths = frame.sort("region")["age_mean_accuracy"].to_list()
    assert widths[0] is None and widths[2] is None and 0 < widths[1] <= 82
    assert record.accuracy is None and record.count_scale == prep.scales["age_mean__count"]


def test_release_runs_once(tmp_path: Path) -> None:
    run, _ = _run(tmp_path, release())
    with pytest.raises(PrivprepError) as info:
        run.commit()
    assert info.value.code is ReasonCode.INTERNAL
    run.release()
    with pytest.raises(PrivprepError):
        run.release()


def test_warnings_for_risky_parameters(tmp_path: Path) -> None:
    run, _ = _run(tmp_path, release(epsilon=6.0, delta=1e-8))
    assert any("ε=6 is above 5" in w for w in run.warnings)
    assert any("delta is only used to discover keys" in w for w in run.warnings)
    run.rollback()


def test_record_holds_no_data_values(tmp_path: Path) -> None:
    run, _ = _run(tmp_path, release(metrics=METRICS))
    run.release()
    text = " ".join(r.model_dump_json() for r in run.commit())
    assert "person " not in text  # the name column's values
    names = customers()["customer_id"].cast(pl.String).unique().to_list()
    assert not any(f'"{n}"' in text for n in names)
