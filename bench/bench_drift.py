"""Drift detection power and false alarms, seeded: 100,000-row samples, a shift of known size.

    python bench/bench_drift.py                       # 50 repetitions, 100,000 rows
    python bench/bench_drift.py --reps 10 --rows 20000

A baseline sample fixes the bins (decile edges of ``amount``, the label taxonomy, keyed digests
of frequent ``city`` values), as the first run of a policy does. Each repetition then draws two
fresh samples with the same binning: one from the baseline distribution (any column flagged is a
false alarm) and one with ``amount``'s mean moved by ``--shift`` standard deviations and the
churned share of the label moved from 20 % to ``--churn``. A column is flagged when its PSI
exceeds ``--psi`` (the policy default 0.2). Prints the expected PSI of each shift (computed
from the true distributions over the same bins), the PSI seen, detection power, false-alarm
rates, and the profile's cost as a ratio to the plain output profile, timed side by side.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time

import numpy as np
import polars as pl

from privprep.drift.compare import compare
from privprep.drift.profile import Binning, drift_profile
from privprep.drift.psi import psi
from privprep.keys import MasterKey
from privprep.profile import profile_frame

CLASSES = ["active", "churned", "paused"]
CITIES = [f"city{i:02d}" for i in range(30)]
KEY = MasterKey(b"bench-drift-key-0123456789abcdef")


def sample(rng: np.random.Generator, rows: int, shift: float = 0.0, churn: float = 0.2) -> pl.DataFrame:
    """amount ~ N(100 + 15·shift, 15); tenure ~ Exp(24); city Zipf-like over 30; label 70/20/10 by default."""
    weights = 1 / np.arange(1, len(CITIES) + 1)
    mix = [0.9 - churn, churn, 0.1]
    return pl.DataFrame({
        "amount": rng.normal(100 + 15 * shift, 15, rows),
        "tenure": rng.exponential(24, rows),
        "city": rng.choice(CITIES, rows, p=weights / weights.sum()),
        "label": rng.choice(CLASSES, rows, p=mix),
    })  # fmt: skip


def expected_psi(edges: list[float], shift: float, churn: float) -> tuple[float, float]:
    """PSI between the true distributions over the baseline's bins (amount; label)."""
    cdf = lambda x, mu: 0.5 * (1 + math.erf((x - mu) / (15 * math.sqrt(2))))  # noqa: E731
    bounds = [-math.inf, *edges, math.inf]

    def shares(mu: float) -> list[float]:
        return [cdf(hi, mu) - cdf(lo, mu) if math.isfinite(hi) or math.isfinite(lo) else 1.0
                for lo, hi in itertools.pairwise(bounds)]  # fmt: skip

    amount = psi(shares(100.0), shares(100 + 15 * shift))
    label = psi([0.7, 0.2, 0.1], [0.9 - churn, churn, 0.1])
    return amount or 0.0, label or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument(
        "--shift", type=float, default=0.5, help="mean shift of amount, in standard deviations"
    )
    parser.add_argument(
        "--churn", type=float, default=0.4, help="churned share after the shift (baseline 0.2)"
    )
    parser.add_argument("--psi", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    labels = {"label": CLASSES}
    baseline = drift_profile(sample(rng, args.rows).lazy(), Binning(labels=labels, key=KEY))
    binning = Binning(labels=labels, baseline=baseline, key=KEY)
    edges = baseline.columns["amount"].histogram.edges  # type: ignore[union-attr]
    want_amount, want_label = expected_psi(edges or [], args.shift, args.churn)

    null_psi: dict[str, list[float]] = {c: [] for c in ("amount", "tenure", "city", "label")}
    alt_psi: dict[str, list[float]] = {c: [] for c in null_psi}
    null_flags = {c: 0 for c in null_psi}
    alt_flags = {c: 0 for c in null_psi}
    null_runs_flagged = 0
    t_drift, t_plain = [], []
    for _ in range(args.reps):
        for shifted in (False, True):
            frame = sample(rng, args.rows, args.shift, args.churn) if shifted else sample(rng, args.rows)
            lazy = frame.lazy()
            start = time.perf_counter()
            base = profile_frame(lazy)
            t_plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            current = drift_profile(lazy, binning, base)
            t_drift.append(time.perf_counter() - start)
            result = compare(baseline, current, psi_limit=args.psi)
            flags, values = (alt_flags, alt_psi) if shifted else (null_flags, null_psi)
            for change in result.columns:
                values[change.column].append(change.psi or 0.0)
                flags[change.column] += change.drifted
            if not shifted and result.drifted:
                null_runs_flagged += 1

    reps = args.reps
    print(
        f"drift benchmark: {args.rows:,} rows per sample, {reps} repetitions, seed {args.seed},"
        f" PSI limit {args.psi}"
    )
    print(f"shift: amount mean +{args.shift} sd (expected PSI {want_amount:.3f}); "
          f"label churned 20% -> {args.churn:.0%} (expected PSI {want_label:.3f})")  # fmt: skip
    print(
        f"{'column':8} {'PSI null (mean, max)':>24} {'PSI shifted (mean, min)':>26}"
        f" {'power':>7} {'false alarms':>13}"
    )
    for c in null_psi:
        shifted_col = c in ("amount", "label")
        power = f"{alt_flags[c] / reps:.0%}" if shifted_col else "-"
        alarms = null_flags[c] + (0 if shifted_col else alt_flags[c])  # unshifted columns in both samples
        tests = reps if shifted_col else 2 * reps
        print(
            f"{c:8} {statistics.mean(null_psi[c]):>13.5f}, {max(null_psi[c]):.5f}"
            f" {statistics.mean(alt_psi[c]):>15.4f}, {min(alt_psi[c]):.4f}"
            f" {power:>7} {alarms:>6}/{tests:<6}"
        )
    print(f"runs of unshifted data with any column flagged: {null_runs_flagged}/{reps}")
    ratio = statistics.median(t_drift) / statistics.median(t_plain)
    drift_ms, plain_ms = statistics.median(t_drift) * 1000, statistics.median(t_plain) * 1000
    print(
        f"drift histograms: median {drift_ms:.0f} ms vs {plain_ms:.0f} ms for the plain profile"
        f" (ratio {ratio:.2f})"
    )


if __name__ == "__main__":
    main()
