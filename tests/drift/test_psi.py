"""PSI by hand and against an independent numpy computation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.drift.psi import EPSILON, align, psi


def numpy_psi(expected: list[int], actual: list[int], eps: float = EPSILON) -> float:
    e, a = np.asarray(expected, dtype=float), np.asarray(actual, dtype=float)
    p, q = np.clip(e / e.sum(), eps, None), np.clip(a / a.sum(), eps, None)
    return float(np.sum((q - p) * np.log(q / p)))


def test_by_hand() -> None:
    # shares .5/.5 → .25/.75: (.25-.5)·ln(.5) + (.75-.5)·ln(1.5)
    assert psi([50, 50], [25, 75]) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5))
    assert psi([10, 0], [10, 0]) == 0.0
    assert psi([0, 0], [1, 2]) is None


counts = st.integers(0, 10_000)


@settings(max_examples=300)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.lists(counts, min_size=n, max_size=n),
                                                      st.lists(counts, min_size=n, max_size=n))))  # fmt: skip
def test_equals_numpy_on_random_histograms(pair: tuple[list[int], list[int]]) -> None:
    expected, actual = pair
    ours = psi(expected, actual)
    if sum(expected) == 0 or sum(actual) == 0:
        assert ours is None
        return
    assert ours == pytest.approx(numpy_psi(expected, actual), rel=1e-9, abs=1e-12)
    assert ours >= -1e-12
    assert psi(expected, expected) == pytest.approx(0.0, abs=1e-12)


def test_align_fills_missing_bins_with_zero() -> None:
    assert align({"a": 1, "b": 2}, {"b": 3, "c": 4}) == (["a", "b", "c"], [1, 2, 0], [0, 3, 4])
