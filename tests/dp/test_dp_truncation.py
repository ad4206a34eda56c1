"""Per-identifier truncation: OpenDP's reported scales are those of its documented shuffled form."""

from __future__ import annotations

import opendp.prelude as dp
import polars as pl
import pytest
from dp_helpers import customers, prepared, release, spec

METRICS = [
    (["count"], {"count": 3.0000000006}),
    (
        ["count", {"sum": "salary", "bounds": [0, 250000]}],
        {"count": 6.0000000012, "salary_sum": 1500000.0003000002},
    ),
    (
        [{"mean": "age", "bounds": [18, 100]}],
        {"age_mean__sum": 600.0000001200001, "age_mean__count": 6.0000000012},
    ),
]


@pytest.mark.parametrize(("metrics", "scales"), METRICS)
def test_scales_unchanged(metrics: list, scales: dict[str, float]) -> None:
    """Figures measured with ``int_range(len()).shuffle().over(id) < k`` (the plan before)."""
    frame = customers()
    assert prepared(spec(release(metrics=metrics)), frame.lazy()).scales == pytest.approx(scales, rel=1e-12)


def test_shuffled_and_plain_truncation_have_equal_scales() -> None:
    dp.enable_features("contrib")
    frame = customers()
    found = []
    for rank in (pl.int_range(pl.len()).shuffle(), pl.int_range(pl.len())):
        context = dp.Context.compositor(
            data=frame.select("customer_id", "region").lazy(),
            privacy_unit=dp.unit_of(contributions=1, identifier="customer_id"),
            privacy_loss=dp.loss_of(epsilon=1.0),
            split_evenly_over=1,
            margins=[dp.polars.Margin(by=[], max_length=10**6)],
        )
        query = context.query().filter(rank.over("customer_id") < 3).select(pl.len().dp.noise())
        found.append(query.summarize()["scale"].to_list())
    assert found[0] == found[1]
