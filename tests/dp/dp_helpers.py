"""Builders shared by the DP tests: specs, small datasets, exact noise distributions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import opendp.prelude as dp
import polars as pl

from privprep.audit.store import AuditLog
from privprep.dp.query import PreparedRelease, prepare_release
from privprep.keys import MasterKey
from privprep.policy.aggregates import AggregatesSpec

REGIONS = ["north", "south", "east", "west"]
KEY = MasterKey(b"dp tests: a master key of enough length")


def keyed(ledger: str | Path) -> dict[str, Any]:
    """The key and audit log ``DPRun.prepare`` needs: this key, an audit log beside the ledger."""
    return {"key": KEY, "audit": AuditLog(Path(ledger).parent / "audit.jsonl")}


def spec(*releases: dict[str, Any], **top: Any) -> AggregatesSpec:
    """An aggregates spec: customer-level unit (≤ 3 rows), ε=10 budget unless overridden."""
    data = {
        "privacy_unit": {"column": "customer_id", "max_rows": 3},
        "budget": {"epsilon": 10.0, "delta": 1e-6},
        "max_group_rows": 1_000_000,
        "releases": list(releases),
    }
    return AggregatesSpec.model_validate(data | top)


def release(**fields: Any) -> dict[str, Any]:
    base = {
        "name": "by_region",
        "epsilon": 1.0,
        "group_by": ["region"],
        "keys": REGIONS,
        "metrics": ["count"],
    }
    return base | fields


def customers(n: int = 400, seed: int = 0) -> pl.DataFrame:
    """Customers with 1–3 rows each (never truncated at max_rows=3)."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(n), rng.integers(1, 4, n))
    size = len(ids)
    return pl.DataFrame(
        {
            "customer_id": ids,
            "region": rng.choice(REGIONS, size),
            "salary": rng.integers(0, 250_000, size).astype(np.int32),
            "age": rng.integers(18, 100, size).astype(np.int16),
            "wait_minutes": rng.integers(0, 300, size),
            "score": rng.random(size),
            "name": [f"person {i}" for i in ids],
        }
    )


def write(frame: pl.DataFrame, folder: Path) -> pl.LazyFrame:
    path = folder / "data.parquet"
    frame.write_parquet(path)
    return pl.scan_parquet(path)


def prepared(aggs: AggregatesSpec, lf: pl.LazyFrame, index: int = 0) -> PreparedRelease:
    dp.enable_features("contrib")
    return prepare_release(aggs, index, lf, lf.collect_schema())


def releases(prep: PreparedRelease, times: int) -> pl.DataFrame:
    """Run the resolved measurement ``times`` times (outside the ledger) and stack the raw outputs."""
    return pl.concat(
        [prep.measurement(prep.data).collect().with_columns(trial=pl.lit(i)) for i in range(times)]
    )


def discrete_laplace_cdf(x: np.ndarray, scale: float) -> np.ndarray:
    """CDF of ``K + U`` with ``K`` discrete Laplace (pmf ∝ exp(-|k|/scale)) and ``U ~ U(-½, ½)``.

    Jittering makes the distribution continuous, so a Kolmogorov–Smirnov test is exact.
    """
    t = np.exp(-1 / scale)

    def cdf(k: np.ndarray) -> np.ndarray:
        return np.where(k >= 0, 1 - t ** (k + 1) / (1 + t), t ** (-k) / (1 + t))

    m = np.floor(x + 0.5)
    pmf = (1 - t) / (1 + t) * t ** np.abs(m)
    return cdf(m - 1) + (x - (m - 0.5)) * pmf


def noisy_min_probabilities(scores: np.ndarray, scale: float) -> np.ndarray:
    """P(candidate i is chosen) by ``argmin(score - E)``, ``E ~ Exp(scale)`` i.i.d. (report-noisy-min)."""
    e = np.linspace(0, scale * 40, 100_001)
    density = np.exp(-e / scale) / scale
    probs = []
    for i, s in enumerate(scores):
        others = np.delete(scores, i)
        gap = np.maximum(others[:, None] - s + e[None, :], 0)
        probs.append(np.trapezoid(density * np.prod(1 - np.exp(-gap / scale), axis=0), e))
    return np.array(probs)


# A policy with one DP release of ε=1 against a total of 2; ``%s`` is one more `aggregates:` line.
CRM_POLICY = """
version: 1
name: crm
key: {env: PRIVPREP_KEY}
unlisted: drop
columns:
  region: keep
aggregates:
  %s
  privacy_unit: {column: customer_id, max_rows: 3}
  budget: {epsilon: 2.0}
  releases:
    - name: by_region
      epsilon: 1.0
      group_by: [region]
      keys: [north, south, east, west]
      metrics: [count]
"""
