"""k-anonymity check vs a plain Polars group-by count, on the same Parquet file, in one run.

    python bench/bench_kanon.py                  # 5,000,000 rows, 3 quasi-identifiers
    python bench/bench_kanon.py --rows 1000000 --repeat 5

Both sides read the same scan of the same file. The baseline is the least any k-anonymity
check must do: ``group_by(qis).len()``. The check adds the class statistics (histogram,
unique share, ...) and, when it suppresses, the keys of the small classes. Prints the best
of ``--repeat`` timings and the ratio (goal for k-anonymity: at most 2). l-diversity is shown
for scale: it must group by the quasi-identifiers *and* the sensitive column.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from privprep.checks import run_checks
from privprep.policy.checks import ChecksSpec

QIS = ["zip3", "birth_year", "gender"]


def make_table(rows: int, path: Path, seed: int = 5) -> None:
    """Skewed, realistic quasi-identifiers: 1,000 ZIP prefixes, birth years, gender with nulls."""
    rng = np.random.default_rng(seed)
    zips = np.minimum(rng.zipf(1.3, rows), 1000) - 1
    years = np.clip(rng.normal(1975, 14, rows).round(), 1920, 2007).astype(np.int32)
    gender = rng.choice(np.array(["F", "M", "X", ""]), rows, p=[0.49, 0.48, 0.02, 0.01])
    frame = pl.DataFrame({"zip3": zips.astype(np.int32), "birth_year": years, "gender": gender}).with_columns(
        pl.col("zip3").cast(pl.String).str.zfill(3),
        pl.when(pl.col("gender") == "").then(None).otherwise(pl.col("gender")).alias("gender"),
        pl.Series("diagnosis", rng.choice(np.array(["a", "b", "c", "d"]), rows)),
    )
    frame.write_parquet(path)


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qis.parquet"
        make_table(args.rows, path)
        frame = pl.scan_parquet(path)
        classes = frame.group_by(QIS).len().collect(engine="streaming")
        print(f"{args.rows:,} rows, quasi-identifiers {QIS}: {classes.height:,} classes")
        baseline = best_of(args.repeat, lambda: frame.group_by(QIS).len().collect(engine="streaming"))
        print(f"{'plain group_by(qis).len()':<46} {baseline:7.3f} s")
        suppress = {"quasi_identifiers": QIS, "on_fail": "suppress", "max_suppression": 0.05}
        cases = {
            "k-anonymity k=2": {"k_anonymity": suppress | {"k": 2}},
            "k-anonymity k=5": {"k_anonymity": suppress | {"k": 5}},
            "l-diversity l=2 (groups qis + sensitive)": {
                "l_diversity": suppress | {"sensitive": "diagnosis", "l": 2}
            },
        }
        for name, checks in cases.items():
            spec = ChecksSpec.model_validate(checks)
            outcome = run_checks(spec, frame)
            seconds = best_of(args.repeat, lambda spec=spec: run_checks(spec, frame))
            suppressed = outcome.record["rows_suppressed"]
            ratio = seconds / baseline
            print(f"{name:<46} {seconds:7.3f} s   ratio {ratio:4.2f}   rows suppressed {suppressed:,}")


if __name__ == "__main__":
    main()
