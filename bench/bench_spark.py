"""privprep on Spark vs a plain Spark copy vs single-machine privprep, in one run.

    python bench/bench_spark.py                      # 5,000,000 rows, 8 partitions, local[2]
    python bench/bench_spark.py --rows 500000 --repeat 1

The input is bench/_common's customer table (ten columns), split into ``--partitions`` Parquet
files so that Spark reads one partition per file. Sides, alternating, ``--repeat`` times (median):

- ``spark copy``: ``spark.read.parquet(in).write.parquet(out)``, the floor any Spark job pays;
- ``spark identity``: the same copy through ``mapInArrow`` with ``pl.from_arrow(b).to_arrow()``:
  Spark's Arrow hand-off to Python and Polars and back, with no transformation;
- ``privprep spark``: :func:`privprep.spark.engine.run` with bench_apply's policy (whole run:
  count, compile, audit records, write, digest job, profile);
- ``privprep polars``: single-machine :func:`privprep.apply` of the same table as one file.

It then times the per-batch hand-off in this process on one 10,000-row Arrow batch (Spark's
default ``maxRecordsPerBatch``): ``pl.from_arrow`` + ``to_arrow`` + cast, against the policy's
expressions on the same batch. Wall seconds; other load on the machine inflates all sides.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from _common import ensure_table, median
from bench_apply import KEY, KEY_ENV, TOUCHED, write_policy

import privprep
from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.spark.batches import output_schema
from privprep.spark.engine import run as spark_run
from privprep.spark.session import local_session

GOAL = 1.5
BATCH = 10_000


def split(src: Path, folder: Path, parts: int) -> Path:
    """``src`` as ``parts`` Parquet files of equal row counts (one Spark partition each)."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pl.read_parquet(src)
    size = -(-table.height // parts)
    for i in range(parts):
        table.slice(i * size, size).write_parquet(folder / f"part-{i:03d}.parquet")
    return folder


def identity(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    import polars as pl

    for batch in batches:
        yield from pl.from_arrow(batch).to_arrow().cast(batch.schema).to_batches()  # type: ignore[union-attr]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def handoff(src: Path, policy: Path) -> dict[str, float]:
    """Microseconds per row of the Arrow↔Polars hand-off and of the policy's expressions, one batch."""
    batch = pq.read_table(src).slice(0, BATCH).combine_chunks().to_batches()[0]
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    plan = compile_plan(privprep.load_policy(policy), frame.schema)
    staged, outputs = plan.projection(MasterKey(KEY.encode()))
    target = pl.DataFrame(schema=output_schema(frame.schema, staged, outputs)).to_arrow().schema
    out = frame.lazy().with_columns(**staged).select(outputs).collect()
    rounds = 20
    into = median([timed(lambda: pl.from_arrow(batch)) for _ in range(rounds)])
    back = median([timed(lambda: out.to_arrow().cast(target)) for _ in range(rounds)])
    compute = median([timed(lambda: frame.lazy().with_columns(**staged).select(outputs).collect())
                      for _ in range(rounds)])  # fmt: skip
    return {"in_us": into / BATCH * 1e6, "out_us": back / BATCH * 1e6, "compute_us": compute / BATCH * 1e6}


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs per side (median)")
    parser.add_argument("--data", type=Path, help="keep the generated input here and reuse it")
    args = parser.parse_args(argv)
    os.environ[KEY_ENV] = KEY
    with tempfile.TemporaryDirectory(prefix="privprep-bench-spark-") as tmp:
        work = Path(tmp)
        print(f"generating {args.rows:,} rows ...", flush=True)
        src = ensure_table(args.data or work, args.rows)
        folder = split(src, work / "input", args.partitions)
        policy_path = write_policy(work, "bench-spark", TOUCHED)
        policy = privprep.load_policy(policy_path)
        spark = local_session(args.master)
        spark.sparkContext.setLogLevel("ERROR")
        spark.conf.set("spark.sql.files.openCostInBytes", str(1 << 30))  # one partition per input file
        df = spark.read.parquet(str(folder))
        partitions = df.rdd.getNumPartitions()

        def out(name: str) -> Path:
            path = work / f"out-{name}"
            shutil.rmtree(path, ignore_errors=True)
            return path

        records: list[dict[str, Any]] = []
        sides: dict[str, Callable[[], Any]] = {
            "spark copy": lambda: df.write.parquet(str(out("copy"))),
            "spark identity": lambda: df.mapInArrow(identity, df.schema).write.parquet(str(out("identity"))),
            "privprep spark": lambda: records.append(spark_run(  # input_path: as the CLI passes it
                policy, df, output=out("spark"), key=KEY, audit_log=work / "audit.jsonl", input_path=folder
            ).record),
            "privprep polars": lambda: privprep.apply(policy, src, out("polars"), KEY,
                                                      audit_log=work / "audit.jsonl"),
        }  # fmt: skip
        print("warming up (JVM, Python workers) ...", flush=True)
        df.limit(1000).mapInArrow(identity, df.schema).collect()
        runs: dict[str, list[float]] = {side: [] for side in sides}
        load = os.getloadavg()[0]
        for i in range(args.repeat):
            for side, fn in sides.items():
                print(f"  run {i + 1}/{args.repeat}: {side} ...", flush=True)
                runs[side].append(timed(fn))
        cost = handoff(src, policy_path)
        spark.stop()
        wall = {side: median(times) for side, times in runs.items()}
        steps = ", ".join(f"{s['step']} {s['seconds']:.2f}" for s in records[-1]["result"]["steps"])
        print(f"\n{args.rows:,} rows x 10 columns, {partitions} partitions, {args.master},"
              f" median of {args.repeat} run(s); wall seconds\n")  # fmt: skip
        for side, seconds in wall.items():
            print(f"  {side:<16} {seconds:8.2f}   ({', '.join(f'{t:.2f}' for t in runs[side])})")
        ratio = wall["privprep spark"] / wall["spark copy"]
        verdict = "ok" if ratio <= GOAL else "MISSED"
        print(f"\n  privprep spark / spark copy     {ratio:5.2f}  goal <= {GOAL}  {verdict}")
        print(f"  spark identity / spark copy     {wall['spark identity'] / wall['spark copy']:5.2f}"
              "  (the Arrow/Python/Polars hand-off alone)")  # fmt: skip
        print(f"  privprep spark / privprep polars {wall['privprep spark'] / wall['privprep polars']:5.2f}")
        print(f"  privprep spark steps (last run, s): {steps}")
        print(f"\n  per-batch hand-off ({BATCH:,} rows, this process):"
              f" Arrow->Polars {cost['in_us']:.3f} us/row,"
              f" Polars->Arrow+cast {cost['out_us']:.3f} us/row;\n  the policy's expressions on the same"
              f" batch {cost['compute_us']:.3f} us/row")  # fmt: skip
        after, cores = os.getloadavg()[0], os.cpu_count()
        print(f"  load average (1 min) before/after: {load:.1f} / {after:.1f} on {cores} cores")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
