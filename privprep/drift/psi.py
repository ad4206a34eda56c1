"""Population stability index of two histograms over the same bins.

``PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ)`` over bin shares ``e`` (baseline) and ``a`` (current), each
share floored at ``EPSILON`` so an empty bin counts as nearly empty rather than infinite.
Rule of thumb: < 0.1 stable, 0.1–0.2 moderate, > 0.2 a significant shift.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EPSILON = 1e-4


def psi(
    expected: Sequence[int | float], actual: Sequence[int | float], epsilon: float = EPSILON
) -> float | None:
    """PSI of ``actual`` against ``expected`` (counts per bin); ``None`` when either is empty."""
    if len(expected) != len(actual):
        raise ValueError("histograms over different bins")
    total_e, total_a = float(sum(expected)), float(sum(actual))
    if total_e <= 0 or total_a <= 0:
        return None
    value = 0.0
    for e, a in zip(expected, actual, strict=True):
        p, q = max(e / total_e, epsilon), max(a / total_a, epsilon)
        value += (q - p) * math.log(q / p)
    return value


def align(before: dict[str, int], after: dict[str, int]) -> tuple[list[str], list[int], list[int]]:
    """Two named histograms over the union of their bins (a bin missing on one side counts 0)."""
    names = list(dict.fromkeys([*before, *after]))
    return names, [before.get(n, 0) for n in names], [after.get(n, 0) for n in names]
