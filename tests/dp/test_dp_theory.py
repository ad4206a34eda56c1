"""The noise-scale theory privprep relies on, checked against OpenDP's own resolution.

These pin down why a quick trial of ``truncate_per_group(10)`` can look surprising: the scale
is per metric share of ε, multiplied by the identifiers per unit (``contributions``), and by the
number of groups when truncating per group. See docs/dp.md.
"""

from __future__ import annotations

import opendp.prelude as dp
import polars as pl
import pytest
from dp_helpers import REGIONS, prepared, release, spec

from privprep.dp.theory import Part, alpha_fraction, check_scales, global_scale
from privprep.errors import PrivprepError, ReasonCode

DATA = pl.LazyFrame(
    {"cid": [1, 1, 2, 3], "region": ["north", "south", "east", "west"], "salary": [10, 20, 30, 40]}
)


def _opendp_scales(contributions: int, by: list[str] | None, metrics: list[pl.Expr]) -> list[float]:
    """Scales OpenDP's own binary search picks for ``truncate_per_group(10)`` at ε = 1."""
    dp.enable_features("contrib")
    context = dp.Context.compositor(
        data=DATA,
        privacy_unit=dp.unit_of(contributions=contributions, identifier="cid"),
        privacy_loss=dp.loss_of(epsilon=1.0),
        split_evenly_over=1,
        margins=[dp.polars.Margin(by=["region"], max_length=1000)],
    )
    query = (
        context.query()
        .truncate_per_group(10, by=by)
        .group_by("region")
        .agg(*metrics)
        .with_keys(pl.LazyFrame({"region": REGIONS}))
    )
    return query.summarize()["scale"].to_list()


COUNT = dp.len(signed=True)
SUM = pl.col("salary").dp.sum((0, 100))


@pytest.mark.parametrize(
    ("contributions", "by", "metrics", "expected"),
    [
        (1, None, [COUNT], [10.0]),  # one person, ≤ 10 rows in all: L1 = 10, scale = 10/ε
        (1, None, [COUNT, SUM], [20.0, 2000.0]),  # two metrics: each gets ε/2
        (1, ["region"], [COUNT], [40.0]),  # 10 rows *per group* × 4 public keys
        (5, None, [COUNT], [50.0]),  # contributions counts identifiers, not rows: 5 × 10
    ],
    ids=["per-unit", "epsilon-split", "per-group", "contributions-are-ids"],
)
def test_truncate_per_group_scales(contributions, by, metrics, expected) -> None:
    assert _opendp_scales(contributions, by, metrics) == pytest.approx(expected, rel=1e-6)


def test_privprep_scales_equal_opendp_binary_search(tmp_path) -> None:
    """Our analytic global scale gives the scales OpenDP's own search finds, and OpenDP accepts it."""
    aggs = spec(
        release(epsilon=1.0, metrics=["count", {"sum": "salary", "bounds": [0, 100]}]),
        privacy_unit={"column": "cid", "max_rows": 10},
    )  # fmt: skip
    path = tmp_path / "d.parquet"
    DATA.collect().write_parquet(path)
    prep = prepared(aggs, pl.scan_parquet(path))
    assert [prep.scales["count"], prep.scales["salary_sum"]] == pytest.approx([20.0, 2000.0])


def test_quantile_scale_counts_groups_touched(tmp_path) -> None:
    """A quantile spends 2·l0/c: with ≤ 3 rows a person touches ≤ 3 of the 4 public groups."""
    aggs = spec(release(epsilon=1.0, metrics=[{"median": "salary", "candidates": [0, 25, 50]}]))
    path = tmp_path / "d.parquet"
    DATA.rename({"cid": "customer_id"}).collect().write_parquet(path)
    prep = prepared(aggs, pl.scan_parquet(path))
    assert prep.scales["salary_median"] == pytest.approx(2 * 3 * 3)  # c = 2·l0/ε = 6, Δ = 3


def test_alpha_fraction_follows_opendp() -> None:
    assert alpha_fraction(0.5, 1000) == (1, 2)
    assert alpha_fraction(0.25, 2**32 - 1) == (1, 4)
    num, den = alpha_fraction(0.9, 10**6)
    assert den == (2**64 - 1) // 10**6 and num / den == pytest.approx(0.9)


def test_check_scales_refuses_less_noise_than_theory() -> None:
    parts = [Part("count", "count", "value", selection=False, sensitivity=5, exact=True)]
    c = global_scale(parts, 1.0, 1)
    check_scales(parts, {"count": 5.0}, c, c, "r")
    with pytest.raises(PrivprepError) as info:
        check_scales(parts, {"count": 4.0}, c, c, "r")
    assert info.value.code is ReasonCode.INTERNAL
