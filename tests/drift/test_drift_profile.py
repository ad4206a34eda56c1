"""Drift profiles of random frames: identical data never drifts; bins by hand."""

from __future__ import annotations

import math

import polars as pl
from core_helpers import KEY
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.drift.compare import compare
from privprep.drift.profile import Binning, drift_profile
from privprep.keys import MasterKey

MASTER = MasterKey(KEY.encode())

frames = st.integers(0, 40).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "x": st.lists(
                st.one_of(st.none(), st.floats(allow_infinity=False), st.just(math.nan)),
                min_size=n,
                max_size=n,
            ),
            "i": st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=n, max_size=n),
            "s": st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c"])), min_size=n, max_size=n),
            "y": st.lists(
                st.one_of(st.none(), st.sampled_from(["yes", "no", "odd"])), min_size=n, max_size=n
            ),
        }
    )
)
SCHEMA = {"x": pl.Float64, "i": pl.Int64, "s": pl.String, "y": pl.String}


@settings(max_examples=60, deadline=None)
@given(frames)
def test_identical_data_never_drifts(data: dict[str, list]) -> None:
    frame = pl.DataFrame(data, schema=SCHEMA).lazy()
    binning = Binning(labels={"y": ["yes", "no"]}, k=2, key=MASTER)
    first = drift_profile(frame, binning)
    again = drift_profile(frame, Binning(labels={"y": ["yes", "no"]}, k=2, key=MASTER, baseline=first))
    for name, column in first.columns.items():
        same = again.columns[name]
        assert (same.dtype, same.null_rate, same.distinct) == (
            column.dtype,
            column.null_rate,
            column.distinct,
        )
        if column.histogram is not None:
            assert same.histogram is not None and same.histogram.counts == column.histogram.counts
            non_null = pl.DataFrame(data, schema=SCHEMA)[name].fill_nan(None) if name == "x" else None
            expected = non_null.count() if non_null is not None else len(data[name]) - data[name].count(None)
            assert sum(column.histogram.counts) == expected
    result = compare(first, again)
    assert not result.schema_.changed and not result.drifted
    assert all(c.psi in (None, 0.0) for c in result.columns)


def test_bins_by_hand() -> None:
    frame = pl.LazyFrame({"v": [1.0, 2.0, 2.5, 3.0, 10.0, None], "y": ["yes", "no", "no", None, "no", "yes"]})
    profile = drift_profile(frame, Binning(labels={"y": ["yes", "no"]}, edges={"v": [2.0, 3.0]}))
    v, y = profile.columns["v"].histogram, profile.columns["y"].histogram
    assert v is not None and y is not None
    assert (v.source, v.counts, v.names) == ("policy", [2, 2, 1], ["(-inf, 2]", "(2, 3]", "(3, inf)"])
    assert (y.bins, y.counts) == (["yes", "no", "__other__"], [2, 3, 0])
    assert profile.columns["v"].null_rate == round(1 / 6, 4)


def test_categories_need_the_key_and_k() -> None:
    frame = pl.LazyFrame({"c": ["a"] * 12 + ["b"] * 3})
    assert drift_profile(frame, Binning(k=10)).columns["c"].histogram is None  # no key: no digests
    h = drift_profile(frame, Binning(k=10, key=MASTER)).columns["c"].histogram
    assert h is not None and h.counts == [12, 3] and h.bins is not None
    assert h.bins[0].startswith("h:") and h.bins[1] == "__other__"  # `b` occurs under k times
