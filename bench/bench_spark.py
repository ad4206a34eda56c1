"""privprep on Spark vs a plain Spark copy vs single-machine privprep, in one run.

    python bench/bench_spark.py                      # 5,000,000 rows, 8 partitions, local[2]
    python bench/bench_spark.py --rows 500000 --repeat 1

The input is bench/_common's customer table (ten columns), split into ``--partitions`` Parquet
files so that Spark reads one partition per file. Sides, alternating, ``--repeat`` times (median):

- ``spark copy``: ``spark.read.parquet(in).write.parquet(out)``, the floor any Spark job pays;
- ``spark identity``: the same copy through ``mapInArrow`` with ``pl.from_arrow(b).to_arrow()``:
  Spark's Arrow hand-off to Python and Polars and back, with no transformation, in Spark's default
  10,000-row batches and in the engine's (:data:`privprep.spark.session.DEFAULTS`);
- ``privprep spark``: :func:`privprep.spark.engine.run` with bench_apply's policy (whole run:
  count, compile, audit records, write with the digest, profile), in the engine's batches and,
  as before they were raised, in Spark's 10,000-row batches;
- ``privprep polars``: single-machine :func:`privprep.apply` of the same table as one file.

It then times the per-batch hand-off in this process on one 10,000-row Arrow batch (Spark's
default ``maxRecordsPerBatch``): ``pl.from_arrow`` + ``to_arrow`` + cast, against the policy's
expressions and the output digest on the same batch. Wall and CPU seconds (CPU: this process,
the JVM and its Python workers; other load on the machine inflates wall times, CPU seconds less).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
from _common import ensure_table, median
from bench_apply import KEY, KEY_ENV, TOUCHED, write_policy

import privprep
from privprep.digest import partial
from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.spark.batches import output_schema
from privprep.spark.engine import run as spark_run
from privprep.spark.session import DEFAULTS, local_session

GOAL = 1.5
BATCH = 10_000
BATCH_ROWS = "spark.sql.execution.arrow.maxRecordsPerBatch"
ENGINE_BATCH = int(DEFAULTS[BATCH_ROWS])


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and every live descendant (the JVM, Python workers)."""
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def batched(spark: Any, rows: int | None, fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with the session's Arrow batch size set to ``rows`` (``None``: left unset)."""

    def run() -> Any:
        if rows is not None:
            spark.conf.set(BATCH_ROWS, str(rows))
        try:
            return fn()
        finally:
            spark.conf.unset(BATCH_ROWS)

    return run


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


def measured(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()``."""
    cpu = cpu_seconds()
    wall = timed(fn)
    return wall, cpu_seconds() - cpu


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
    digest = median([timed(lambda: partial(out)) for _ in range(rounds)])
    per_row = {"in_us": into, "out_us": back, "compute_us": compute, "digest_us": digest}
    return {name: seconds / BATCH * 1e6 for name, seconds in per_row.items()}


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
        def identity_copy(name: str) -> Callable[[], Any]:
            return lambda: df.mapInArrow(identity, df.schema).write.parquet(str(out(name)))

        def privprep_spark() -> None:  # input_path: as the CLI passes it
            result = spark_run(policy, df, output=out("spark"), key=KEY, audit_log=work / "audit.jsonl",
                               input_path=folder)  # fmt: skip
            records.append(result.record)

        records: list[dict[str, Any]] = []
        sides: dict[str, Callable[[], Any]] = {
            "spark copy": lambda: df.write.parquet(str(out("copy"))),
            "spark identity 10k": batched(spark, BATCH, identity_copy("identity")),
            "spark identity": batched(spark, ENGINE_BATCH, identity_copy("identity")),
            "privprep spark 10k": batched(spark, BATCH, privprep_spark),
            "privprep spark": batched(spark, None, privprep_spark),
            "privprep polars": lambda: privprep.apply(policy, src, out("polars"), KEY,
                                                      audit_log=work / "audit.jsonl"),
        }  # fmt: skip
        print("warming up (JVM, Python workers) ...", flush=True)
        df.limit(1000).mapInArrow(identity, df.schema).collect()
        runs: dict[str, list[float]] = {side: [] for side in sides}
        cpus: dict[str, list[float]] = {side: [] for side in sides}
        load = os.getloadavg()[0]
        for i in range(args.repeat):
            for side, fn in sides.items():
                print(f"  run {i + 1}/{args.repeat}: {side} ...", flush=True)
                wall_s, cpu_s = measured(fn)
                runs[side].append(wall_s)
                cpus[side].append(cpu_s)
        cost = handoff(src, policy_path)
        spark.stop()
        wall = {side: median(times) for side, times in runs.items()}
        cpu = {side: median(times) for side, times in cpus.items()}
        steps = ", ".join(f"{s['step']} {s['seconds']:.2f}" for s in records[-1]["result"]["steps"])
        print(f"\n{args.rows:,} rows x 10 columns, {partitions} partitions, {args.master},"
              f" median of {args.repeat} run(s); wall and CPU seconds; engine batches"
              f" {ENGINE_BATCH:,} rows\n")  # fmt: skip
        for side, seconds in wall.items():
            shown = ", ".join(f"{t:.2f}" for t in runs[side])
            print(f"  {side:<20} wall {seconds:8.2f}   cpu {cpu[side]:8.2f}   (wall: {shown})")
        copy, copy_cpu = wall["spark copy"], cpu["spark copy"]
        ratio = wall["privprep spark"] / copy
        verdict = "ok" if ratio <= GOAL else "MISSED"
        cpu_ratio = cpu["privprep spark"] / copy_cpu
        print(f"\n  privprep spark / spark copy       {ratio:5.2f}  (cpu {cpu_ratio:5.2f})"
              f"  goal <= {GOAL}  {verdict}")  # fmt: skip
        for side in ("privprep spark 10k", "spark identity", "spark identity 10k"):
            shown = f"{wall[side] / copy:5.2f}  (cpu {cpu[side] / copy_cpu:5.2f})"
            print(f"  {side + ' / spark copy':<33} {shown}")
        print("  (identity: the Arrow/Python/Polars hand-off alone)")
        print(f"  privprep spark / privprep polars  {wall['privprep spark'] / wall['privprep polars']:5.2f}")
        print(f"  privprep spark steps (last run, s): {steps}")
        print(f"\n  per-batch hand-off ({BATCH:,} rows, this process):"
              f" Arrow->Polars {cost['in_us']:.3f} us/row,"
              f" Polars->Arrow+cast {cost['out_us']:.3f} us/row;\n  on the same batch: the policy's"
              f" expressions {cost['compute_us']:.3f} us/row,"
              f" the output digest {cost['digest_us']:.3f} us/row")  # fmt: skip
        after, cores = os.getloadavg()[0], os.cpu_count()
        print(f"  load average (1 min) before/after: {load:.1f} / {after:.1f} on {cores} cores")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
