"""CSV input against Parquet input of the same table (issue 10), side by side in one run.

The ten-column customer table of ``bench_apply`` (default 5,000,000 rows) is written as Parquet
and as CSV; alternating, each side runs in a fresh child process:

- read parquet / read csv:   ``open_input(path).frame.sink_parquet(out)`` (the reader alone)
- apply parquet / apply csv: ``privprep.apply(policy, path, out)`` with a policy touching five
  columns (pseudonymize, two masks, generalize, drop; five kept), no detection

Prints medians, rows/s and the ratios csv / parquet (there is no goal; the figure is reported).

    python bench/bench_inputs.py                   # full size
    python bench/bench_inputs.py --rows 500000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

import privprep

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Measurement, ensure_table, median, run_child

KEY = "bench-key-7f3a9c2e4b1d8f6a"
POLICY = """version: 1
name: bench-inputs
unlisted: fail
input: {dtypes: {birth_date: Date, zip: String}}  # CSV parses to the Parquet file's dtypes
columns:
  id: pseudonymize
  email: {action: mask, keep_last: 4}
  phone: {action: mask, keep_last: 4}
  birth_date: {action: generalize, to: year}
  zip: drop
  name: keep
  salary: keep
  city: keep
  label: keep
  score: keep
"""
SIDES = ("read parquet", "read csv", "apply parquet", "apply csv")


# --- run in child processes (see _common.run_child) -------------------------------------------


def read(src: str, dst: str) -> dict[str, Any]:
    privprep.open_input(src).frame.sink_parquet(dst)
    return {}


def apply(policy: str, src: str, dst: str, log: str) -> dict[str, Any]:
    privprep.apply(policy, src, dst, key=KEY, audit_log=log)
    return {}


# --- the benchmark ------------------------------------------------------------------------------


def measure(side: str, work: Path, inputs: dict[str, Path], policy: Path) -> Measurement:
    kind = side.split()[1]
    out = work / f"out-{kind}.parquet"
    out.unlink(missing_ok=True)
    os.sync()
    me = Path(__file__).resolve()
    if side.startswith("read"):
        result = run_child(me, "read", {"src": str(inputs[kind]), "dst": str(out)})
    else:
        log = str(work / "audit.jsonl")
        result = run_child(
            me, "apply", {"policy": str(policy), "src": str(inputs[kind]), "dst": str(out), "log": log}
        )
    out.unlink(missing_ok=True)
    return result


def report(rows: int, runs: dict[str, list[Measurement]], sizes: dict[str, float]) -> None:
    wall = {side: median([m.seconds for m in ms]) for side, ms in runs.items()}
    print(f"\nCSV vs Parquet input: {rows:,} rows x 10 columns; Parquet {sizes['parquet']:.0f} MiB,"
          f" CSV {sizes['csv']:.0f} MiB; median of {len(runs[SIDES[0]])} alternating run(s)\n")  # fmt: skip
    print(f"  {'side':<14} {'wall s':>7} {'cpu s':>7} {'rows/s':>12} {'peak RSS':>9}")
    for side, ms in runs.items():
        cpu = median([m.cpu_seconds for m in ms])
        peak = max(m.peak_mib for m in ms)
        print(f"  {side:<14} {wall[side]:7.2f} {cpu:7.2f} {rows / wall[side]:12,.0f} {peak:5,.0f} MiB")
    print()
    for step in ("read", "apply"):
        cpu_ratio = median([m.cpu_seconds for m in runs[f"{step} csv"]]) / median(
            [m.cpu_seconds for m in runs[f"{step} parquet"]]
        )
        print(f"  ratio {step} csv / parquet (CPU s):  {cpu_ratio:5.2f}")
        ratio = wall[f"{step} csv"] / wall[f"{step} parquet"]
        print(
            f"  ratio {step} csv / parquet (wall): {ratio:5.2f}  -> CSV throughput {1 / ratio:.0%} of Parquet"
        )


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per side (median)")
    parser.add_argument("--data", type=Path, help="keep the generated inputs here and reuse them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="privprep-bench-") as tmp:
        work = Path(tmp)
        print(f"generating {args.rows:,} rows ...", flush=True)
        parquet = ensure_table(args.data or work, args.rows)
        csv = parquet.with_suffix(".csv")
        if not csv.exists():
            pl.scan_parquet(parquet).sink_csv(csv)
        inputs = {"parquet": parquet, "csv": csv}
        policy = work / "policy.yaml"
        policy.write_text(POLICY, encoding="utf-8")
        runs: dict[str, list[Measurement]] = {side: [] for side in SIDES}
        load = os.getloadavg()[0]
        for i in range(args.repeat):
            for side in SIDES:
                print(f"  run {i + 1}/{args.repeat}: {side} ...", flush=True)
                runs[side].append(measure(side, work, inputs, policy))
        report(args.rows, runs, {k: p.stat().st_size / 2**20 for k, p in inputs.items()})
        print(f"\n  load average (1 min) before/after: {load:.1f} / {os.getloadavg()[0]:.1f}"
              f" on {os.cpu_count()} cores")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
