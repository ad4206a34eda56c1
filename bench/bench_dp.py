"""DP group-by release against the same exact Polars group-by (issue 4).

A table of 5,000,000 rows (customer id, region, salary, age, wait minutes) is written as
Parquet; then, alternating in one run, each side reads it and computes per region a count, a
salary sum, a mean age and a median wait:

- polars:     ``scan_parquet().group_by("region").agg(...)`` (exact)
- polars-trunc: the same after keeping the first 5 rows per customer, the bounding the
              person-level DP release does (context: it shows what that bounding alone costs)
- dp:         ``DPRun.prepare`` (resolve + reserve in a fresh ledger) and ``release()`` with
              person = one row (``rows: 1``)
- dp-person:  the same with person = customer id, at most 5 rows each (per-identifier truncation)

Medians are printed with the ratio to the exact group-by; the goal is dp / polars ≤ 3.

    python bench/bench_dp.py                  # 5,000,000 rows
    python bench/bench_dp.py --rows 500000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from privprep.audit.store import AuditLog
from privprep.dp import DPRun
from privprep.keys import MasterKey
from privprep.policy.aggregates import AggregatesSpec

REGIONS = ["north", "south", "east", "west", "centre"]
CANDIDATES = [0, 5, 10, 30, 60, 120, 240]
GOAL = 3.0
KEY = MasterKey(b"benchmark key, never used for real data")


def make_table(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    pl.DataFrame(
        {
            "customer_id": rng.integers(0, rows // 3, rows),
            "region": pl.Series(rng.choice(REGIONS, rows)).cast(pl.String),
            "salary": rng.integers(0, 250_000, rows),
            "age": rng.integers(18, 100, rows),
            "wait_minutes": rng.integers(0, 300, rows),
        }
    ).write_parquet(path)


def exact(path: Path, truncate: bool = False) -> pl.DataFrame:
    lf = pl.scan_parquet(path)
    if truncate:
        lf = lf.filter(pl.int_range(pl.len()).over("customer_id") < 5)
    return (
        lf.group_by("region")
        .agg(
            pl.len().alias("count"),
            pl.col("salary").clip(0, 250_000).sum(),
            pl.col("age").clip(18, 100).mean(),
            pl.col("wait_minutes").median(),
        )
        .collect()
    )


def spec(unit: dict) -> AggregatesSpec:
    metrics = [
        "count",
        {"sum": "salary", "bounds": [0, 250_000]},
        {"mean": "age", "bounds": [18, 100]},
        {"median": "wait_minutes", "candidates": CANDIDATES},
    ]
    release = {"name": "by_region", "epsilon": 1.0, "group_by": ["region"], "keys": REGIONS}
    return AggregatesSpec.model_validate(
        {"privacy_unit": unit, "budget": {"epsilon": 1.0}, "releases": [release | {"metrics": metrics}]}
    )


def private(path: Path, unit: dict, ledger: Path) -> tuple[float, float]:
    """(prepare seconds, release seconds) for one DP run on a fresh ledger."""
    ledger.unlink(missing_ok=True)
    started = time.perf_counter()
    run = DPRun.prepare(
        spec(unit), pl.scan_parquet(path), dataset="bench", ledger_path=ledger, run_id="b",
        key=KEY, audit=AuditLog(ledger.with_suffix(".audit.jsonl")),
    )  # fmt: skip
    prepared = time.perf_counter()
    run.release()
    run.commit()
    return prepared - started, time.perf_counter() - prepared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="privprep-bench-dp-") as tmp:
        path, ledger = Path(tmp) / "table.parquet", Path(tmp) / "budget.sqlite"
        make_table(path, args.rows)
        units = {"dp": {"rows": 1}, "dp-person": {"column": "customer_id", "max_rows": 5}}
        times: dict[str, list[float]] = {"polars": [], "polars-trunc": [], **{k: [] for k in units}}
        prepare: dict[str, list[float]] = {k: [] for k in units}
        exact(path)  # warm the file cache for both sides
        for _ in range(args.repeat):
            for name, truncate in (("polars", False), ("polars-trunc", True)):
                started = time.perf_counter()
                exact(path, truncate)
                times[name].append(time.perf_counter() - started)
            for name, unit in units.items():
                prep, rel = private(path, unit, ledger)
                prepare[name].append(prep)
                times[name].append(prep + rel)
        base = statistics.median(times["polars"])
        print(f"rows: {args.rows:,}   repeats: {args.repeat}   (medians)")
        print(f"polars group-by     {base:8.3f} s")
        trunc = statistics.median(times["polars-trunc"])
        print(f"polars, ≤5 rows/customer {trunc:8.3f} s   ratio {trunc / base:5.2f}")
        for name in units:
            total = statistics.median(times[name])
            ratio = total / base
            verdict = "ok" if ratio <= GOAL else "over goal"
            print(
                f"{name:<12} release {total:8.3f} s  (prepare {statistics.median(prepare[name]):.3f} s)"
                f"   ratio {ratio:5.2f}  goal ≤ {GOAL:g}: {verdict}"
            )


if __name__ == "__main__":
    main()
