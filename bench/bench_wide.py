"""``privprep apply`` and ``privprep scan`` on a wide table against a plain Polars copy (issue 13).

The table is 32 columns of ``eval_data.people()`` (a mimesis-generated export in the layout of
a public "fake name generator" download; never Faker data), 3,000 generated rows replicated to
``--rows`` (default 2,000,000). Alternating in one run, each side in a fresh child process:

- copy:     ``pl.scan_parquet(in).sink_parquet(out)``
- listed:   ``privprep.apply`` with all 32 columns listed: 7 touched (pseudonymize, two fakes,
            mask, generalize, two drops), 25 ``keep``; detection never runs
- detected: only the 7 listed, ``unlisted: keep`` and ``detect: {on_undeclared_pii: warn}``:
            the 25 unlisted columns are classified before the write
- scan:     ``privprep.scan`` of the file (the ``privprep scan`` command's work)

Goals: listed/copy ≤ 2.0, detected/copy ≤ 2.5, peak RSS of both applies ≤ 1.5× the copy's.

    python bench/bench_wide.py                          # 2,000,000 rows, 3 alternating runs
    python bench/bench_wide.py --rows 200000 --repeat 1 # quick look
    python bench/bench_wide.py --data /tmp/ppwide       # keep the table and reuse it
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
from _common import Measurement, median, run_child

KEY = "bench-key-7f3a9c2e4b1d8f6a"
KEY_ENV = "PRIVPREP_BENCH_KEY"
SOURCE_ROWS = 3000
LEFT_OUT = ("CountryFull", "Pounds")  # 34 columns of people() → 32
TOUCHED = {
    "EmailAddress": "{action: pseudonymize}",
    "GivenName": "{action: fake, kind: first_name}",
    "Surname": "{action: fake, kind: last_name}",
    "TelephoneNumber": "{action: mask, keep_last: 4}",
    "ZipCode": "{action: generalize, keep_prefix: 3}",
    "Password": "drop",
    "NationalID": "drop",
}
SIDES = ("copy", "listed", "detected", "scan")
GOALS = {"listed": 2.0, "detected": 2.5}
GOAL_RSS = 1.5


# --- run in child processes (see _common.run_child) -------------------------------------------


def write_table(path: str, rows: int, seed: int) -> dict[str, Any]:
    """The 32-column table: ``people()`` replicated to ``rows`` rows, ``Number`` renumbered."""
    from eval_data import people

    base = people(SOURCE_ROWS, seed).drop(LEFT_OUT)
    copies = -(-rows // base.height)
    frame = pl.concat([base] * copies).head(rows).with_columns(Number=pl.int_range(1, rows + 1))
    frame.write_parquet(path)
    return {}


def copy(src: str, dst: str) -> dict[str, Any]:
    pl.scan_parquet(src).sink_parquet(dst)
    return {}


def apply(policy: str, src: str, dst: str, log: str) -> dict[str, Any]:
    result = privprep.apply(policy, src, dst, key=KEY, audit_log=log)
    timings: dict[str, float] = {}
    for step in result.record["result"]["steps"]:
        timings[step["step"]] = timings.get(step["step"], 0.0) + step["seconds"]
    return {"timings": timings}


def scan(src: str) -> dict[str, Any]:
    report = privprep.scan(src)
    skipped = sum(1 for c in report.columns if c.evidence.get("skipped"))
    return {"flagged": sum(c.is_pii for c in report.columns), "skipped": skipped}


# --- the benchmark ------------------------------------------------------------------------------


def ensure_wide(folder: Path, rows: int, seed: int) -> Path:
    path = folder / f"people-wide-{rows}-{seed}.parquet"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        run_child(Path(__file__).resolve(), "write_table", {"path": str(tmp), "rows": rows, "seed": seed})
        tmp.rename(path)
    return path


def write_policy(folder: Path, name: str, columns: list[str], *, detect: bool) -> Path:
    """All ``columns`` listed (``unlisted: fail``), or only the touched ones with detection."""
    listed = list(TOUCHED) if detect else columns
    lines = [f"  {col}: {TOUCHED.get(col, 'keep')}" for col in listed]
    head = "unlisted: keep\ndetect: {on_undeclared_pii: warn}\n" if detect else "unlisted: fail\n"
    text = f"version: 1\nname: {name}\nkey: {{env: {KEY_ENV}}}\n{head}columns:\n" + "\n".join(lines)
    path = folder / f"{name}.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def measure(side: str, work: Path, src: Path, policies: dict[str, Path]) -> Measurement:
    out = work / f"out-{side}.parquet"
    out.unlink(missing_ok=True)
    os.sync()
    me = Path(__file__).resolve()
    if side == "copy":
        result = run_child(me, "copy", {"src": str(src), "dst": str(out)})
    elif side == "scan":
        result = run_child(me, "scan", {"src": str(src)})
    else:
        args = {
            "policy": str(policies[side]),
            "src": str(src),
            "dst": str(out),
            "log": str(work / "audit.jsonl"),
        }
        result = run_child(me, "apply", args)
    out.unlink(missing_ok=True)
    return result


def report(rows: int, runs: dict[str, list[Measurement]], file_mib: float) -> bool:
    """Print medians, ratios against the copy and the goals; True when every goal is met."""
    wall = {side: median([m.seconds for m in ms]) for side, ms in runs.items()}
    cpu = {side: median([m.cpu_seconds for m in ms]) for side, ms in runs.items()}
    peak = {side: max(m.peak_mib for m in ms) for side, ms in runs.items()}
    print(f"\nwide table: {rows:,} rows x 32 columns (mimesis people, replicated), {file_mib:.0f} MiB"
          f" Parquet, median of {len(runs['copy'])} alternating run(s)\n")  # fmt: skip
    print(f"  {'side':<10} {'wall s':>7} {'cpu s':>7}  {'peak RSS':>9} {'peak anon':>9}  wall s of each run")
    for side, ms in runs.items():
        anon = max(m.anon_mib for m in ms)
        each = ", ".join(f"{m.seconds:.2f}" for m in ms)
        print(f"  {side:<10} {wall[side]:7.2f} {cpu[side]:7.2f}  {peak[side]:5,.0f} MiB {anon:5,.0f} MiB"
              f"  {each}")  # fmt: skip
    ok = True
    print()
    for side in (*GOALS, "scan"):
        ratio, cpu_ratio = wall[side] / wall["copy"], cpu[side] / cpu["copy"]
        goal = f"goal <= {GOALS[side]}  {_ok(ratio <= GOALS[side])}" if side in GOALS else "(no goal)"
        ok &= side not in GOALS or ratio <= GOALS[side]
        print(f"  ratio {side:<8} / copy  {ratio:6.2f}  {goal:<18} (CPU seconds: {cpu_ratio:.2f})")
    for side in GOALS:
        rss = peak[side] / peak["copy"]
        ok &= rss <= GOAL_RSS
        print(f"  peak RSS {side:<8} / copy {rss:5.2f}  goal <= {GOAL_RSS}  {_ok(rss <= GOAL_RSS)}")
    for side in GOALS:
        steps = {
            k: median([m.extra["timings"].get(k, 0.0) for m in runs[side]])
            for k in runs[side][0].extra["timings"]
        }
        print(f"  {side} stages (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    scan_extra = runs["scan"][0].extra
    print(f"  scan: {scan_extra['flagged']} columns flagged as PII, {scan_extra['skipped']} skipped by dtype")
    return ok


def _ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per side (median)")
    parser.add_argument("--data", type=Path, help="keep the generated input here and reuse it")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="privprep-wide-") as tmp:
        work = Path(tmp)
        print(f"generating {args.rows:,} rows ...", flush=True)
        src = ensure_wide(args.data or work, args.rows, args.seed)
        columns = pl.scan_parquet(src).collect_schema().names()
        policies = {
            "listed": write_policy(work, "wide-listed", columns, detect=False),
            "detected": write_policy(work, "wide-detected", columns, detect=True),
        }
        runs: dict[str, list[Measurement]] = {side: [] for side in SIDES}
        load = os.getloadavg()[0]
        for i in range(args.repeat):
            for side in SIDES:
                print(f"  run {i + 1}/{args.repeat}: {side} ...", flush=True)
                runs[side].append(measure(side, work, src, policies))
        ok = report(args.rows, runs, src.stat().st_size / 2**20)
        after, cores = os.getloadavg()[0], os.cpu_count()
        print(f"\n  load average (1 min) before/after: {load:.1f} / {after:.1f} on {cores} cores;"
              " other load inflates wall times, CPU seconds less so")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
