"""``privprep.detect.scan`` cost does not grow with row count: 100,000 vs 5,000,000 rows.

The same ten-column customer table (``_common.make_table``) is written as Parquet at both
sizes; each scan runs in a fresh child process with the detector already built (model
load is a constant, reported apart). Goal: scan(5M) / scan(100k) ≤ 1.3.

    python bench/bench_scan.py                  # ~1-2 minutes (writes the 5M table once)
    python bench/bench_scan.py --big 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ensure_table, median, run_child

DATA = Path("/tmp/privprep-bench")


def scan_file(path: str, sample: int = 1000) -> dict[str, Any]:
    """Child side: build the detector (timed apart), then scan the Parquet file."""
    from privprep.detect import scan
    from privprep.detect.engine import get_detector

    start = time.perf_counter()
    get_detector()
    scan(pl.LazyFrame({"warm": ["a@example.org"]}), sample=10)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    report = scan(pl.scan_parquet(path), sample=sample)
    seconds = time.perf_counter() - start
    found = {c.name: c.entity for c in report.columns}
    return {"scan": seconds, "setup": setup, "rows_sampled": report.rows_sampled, "found": found}


def measure(small: int, big: int, repeat: int = 3, data: Path = DATA) -> dict[str, Any]:
    """Median scan seconds per size (sizes alternated, each scan in a fresh child), rows sampled,
    detector set-up seconds and whether both sizes gave the same findings."""
    paths = {n: ensure_table(data, n) for n in (small, big)}
    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in paths}
    for _ in range(repeat):  # alternate sizes so drift hits both
        for n, path in paths.items():
            runs[n].append(run_child(__file__, "scan_file", {"path": str(path)}).extra)
    return {
        "scan": {n: median([r["scan"] for r in rs]) for n, rs in runs.items()},
        "sampled": {n: rs[0]["rows_sampled"] for n, rs in runs.items()},
        "setup": median([r["setup"] for rs in runs.values() for r in rs]),
        "same": runs[small][0]["found"] == runs[big][0]["found"],
        "found": runs[big][0]["found"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    m = measure(args.small, args.big, args.repeat, args.data)
    for n in (args.small, args.big):
        print(f"scan {n:>9,} rows: {m['scan'][n]:.2f} s   (rows sampled {m['sampled'][n]:,})")
    print(f"ratio big/small: {m['scan'][args.big] / m['scan'][args.small]:.2f}   (goal ≤ 1.3)")
    print(f"detector set-up (model, recognizers, lists; once per process): {m['setup']:.2f} s")
    print(f"same findings at both sizes: {m['same']}  {m['found']}")


if __name__ == "__main__":
    main()
