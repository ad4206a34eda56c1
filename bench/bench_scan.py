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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path("/tmp/privprep-bench"))
    args = parser.parse_args()
    paths = {n: ensure_table(args.data, n) for n in (args.small, args.big)}
    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in paths}
    for _ in range(args.repeat):  # alternate sizes so drift hits both
        for n, path in paths.items():
            runs[n].append(run_child(__file__, "scan_file", {"path": str(path)}).extra)
    scan_s = {n: median([r["scan"] for r in rs]) for n, rs in runs.items()}
    setup_s = median([r["setup"] for rs in runs.values() for r in rs])
    small, big = args.small, args.big
    print(f"scan {small:>9,} rows: {scan_s[small]:.2f} s   (rows sampled {runs[small][0]['rows_sampled']:,})")
    print(f"scan {big:>9,} rows: {scan_s[big]:.2f} s   (rows sampled {runs[big][0]['rows_sampled']:,})")
    print(f"ratio big/small: {scan_s[big] / scan_s[small]:.2f}   (goal ≤ 1.3)")
    print(f"detector set-up (model, recognizers, gazetteer; once per process): {setup_s:.2f} s")
    same = runs[small][0]["found"] == runs[big][0]["found"]
    print(f"same findings at both sizes: {same}  {runs[big][0]['found']}")


if __name__ == "__main__":
    main()
