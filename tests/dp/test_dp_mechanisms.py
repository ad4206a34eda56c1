"""Every noise mechanism matches its declared scale: accepted at 1×, rejected at 0.7× and 1.3×.

Each test releases a resolved measurement a few hundred times on a fixed dataset with many
groups (noise is independent per group), so thousands of noise draws take about a second.
Integer Laplace is tested by jittering with U(-½, ½), which makes its CDF continuous and the
Kolmogorov–Smirnov test exact; quantiles (report-noisy-min) by a chi-square test against the
exact selection probabilities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from dp_helpers import discrete_laplace_cdf, noisy_min_probabilities, prepared, release, releases, spec, write
from scipy import stats

ACCEPT, REJECT = 1e-4, 1e-6
GROUPS = [f"g{i:02d}" for i in range(20)]
CANDIDATES = list(range(30, 70, 2))
RNG = np.random.default_rng(7)


@pytest.fixture(scope="module")
def row_level(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, float], pl.DataFrame]:
    """One row per person; 20 groups holding 0..99 and random floats; 300 releases."""
    frame = pl.DataFrame(
        {"g": np.repeat(GROUPS, 100), "v": np.tile(np.arange(100), 20), "x": RNG.random(2000)}
    )
    lf = write(frame, tmp_path_factory.mktemp("mech"))
    metrics = ["count", {"sum": "v", "bounds": [0, 100]}, {"mean": "x", "bounds": [0, 1]}]
    metrics.append({"median": "v", "candidates": CANDIDATES})
    aggs = spec(
        release(group_by=["g"], keys=GROUPS, epsilon=0.6, metrics=metrics), privacy_unit={"rows": 1}
    )  # fmt: skip
    prep = prepared(aggs, lf)
    truth = frame.group_by("g").agg(
        count=pl.len(), v_sum=pl.col("v").sum(), x_mean__sum=pl.col("x").sum(), x_mean__count=pl.len()
    )
    return prep.scales, releases(prep, 300).join(truth, on="g", suffix="_true")


def _ks(noise: np.ndarray, scale: float, integer: bool) -> float:
    if integer:
        jittered = noise + RNG.uniform(-0.5, 0.5, len(noise))
        return stats.kstest(jittered, lambda x: discrete_laplace_cdf(x, scale)).pvalue
    return stats.kstest(noise, stats.laplace(scale=scale).cdf).pvalue


def _chisquare(observed: np.ndarray, probs: np.ndarray) -> float:
    """Chi-square goodness of fit, pooling cells expected below 5."""
    expected = probs / probs.sum() * observed.sum()
    big = expected >= 5
    obs, exp = observed[big], expected[big]
    if (~big).any():
        obs, exp = np.append(obs, observed[~big].sum()), np.append(exp, expected[~big].sum())
    return stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue


@pytest.mark.parametrize(
    ("column", "integer"),
    [("count", True), ("v_sum", True), ("x_mean__count", True), ("x_mean__sum", False)],
    ids=["count", "integer-sum", "mean-count", "float-sum"],
)
def test_laplace_noise_matches_declared_scale(row_level, column: str, integer: bool) -> None:
    scales, raw = row_level
    noise = (raw[column] - raw[f"{column}_true"]).cast(pl.Float64).to_numpy()
    assert len(noise) == 6000
    assert _ks(noise, scales[column], integer) > ACCEPT
    assert _ks(noise, 0.7 * scales[column], integer) < REJECT
    assert _ks(noise, 1.3 * scales[column], integer) < REJECT


def test_quantile_selection_matches_declared_scale(row_level) -> None:
    scales, raw = row_level
    # OpenDP's median score of candidate c: |2·#(v < c) − (n − #(v = c))| = |2c − 99| here.
    scores = np.abs(2 * np.array(CANDIDATES) - 99).astype(float)
    observed = np.array([(raw["v_median"] == c).sum() for c in CANDIDATES])
    assert observed.sum() == 6000
    scale = scales["v_median"]
    assert _chisquare(observed, noisy_min_probabilities(scores, scale)) > ACCEPT
    assert _chisquare(observed, noisy_min_probabilities(scores, 0.7 * scale)) < REJECT
    assert _chisquare(observed, noisy_min_probabilities(scores, 1.3 * scale)) < REJECT


def test_truncated_identifier_with_discovered_keys(tmp_path: Path) -> None:
    """Unit = customer (≤ 3 rows, enforced); keys discovered under δ; count noise at scale 3/ε."""
    ids = np.arange(3000)
    frame = pl.DataFrame(
        {"customer_id": np.repeat(ids, 3), "region": np.repeat(np.array(GROUPS)[ids % 20], 3)}
    )
    aggs = spec(release(keys=None, delta=1e-7, epsilon=1.0))
    prep = prepared(aggs, write(frame, tmp_path))
    assert prep.keys == "discovered" and prep.threshold is not None
    assert prep.scales["count"] == pytest.approx(3.0)
    raw = releases(prep, 300)
    assert raw.height == 6000  # every group (450 rows each) is far above the threshold
    noise = (raw["count"] - 450).cast(pl.Float64).to_numpy()
    assert _ks(noise, 3.0, integer=True) > ACCEPT
    assert _ks(noise, 0.7 * 3.0, integer=True) < REJECT
    assert _ks(noise, 1.3 * 3.0, integer=True) < REJECT


def test_truncation_caps_each_customer_at_max_rows(tmp_path: Path) -> None:
    """A customer with 200 rows counts as 3 (max_rows): the mean noisy count centres on 3 + others."""
    frame = pl.DataFrame(
        {"customer_id": [0] * 200 + list(range(1, 41)), "region": ["north"] * 200 + ["south"] * 40}
    )
    aggs = spec(release(keys=["north", "south"], epsilon=1.0))
    raw = releases(prepared(aggs, write(frame, tmp_path)), 200)
    means = raw.group_by("region").agg(pl.col("count").mean()).sort("region")
    north, south = means["count"].to_list()
    tolerance = 5 * 3.0 * np.sqrt(2) / np.sqrt(200)  # 5 standard errors of Laplace(3) noise
    assert abs(north - 3) < tolerance
    assert abs(south - 40) < tolerance
