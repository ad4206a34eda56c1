"""Noise scales from first principles, used to set OpenDP's global scale and to check its result.

A privacy unit contributes at most ``k`` rows after bounding (``max_rows`` truncation, or
``rows: k``) and so touches at most ``l0`` groups (1 without grouping; ``min(k, #keys)`` with
public keys; ``k`` when keys are discovered). Within one release OpenDP adds, to each statistic,
noise of scale ``c · Δ`` with one global ``c``:

* Laplace statistics (counts, sums; a mean is a sum and a count): ``Δ`` is the L1 sensitivity
  across all groups, ``k`` for a count and ``k · max(|lower|, |upper|)`` for a sum; each spends
  ``Δ / (c·Δ) = 1/c``.
* A quantile selects a candidate by report-noisy-min over integer scores
  ``|den·#below − num·(n − #equal)|`` (``alpha = num/den``) whose per-group L∞ sensitivity is
  ``Δ = k · max(num, den − num)``; exponential noise spends ``2Δ/scale`` per group, ``2·l0/c`` in all.

Hence ``c = (#laplace + 2·l0·#quantile) / ε``. Float sums add a rounding allowance on top, so
their scale may only exceed the theory; integer ones must match it exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from privprep.errors import ReasonCode, fail

U64_MAX = 2**64 - 1
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Part:
    """One noisy quantity OpenDP computes; ``alias`` is its column in OpenDP's output."""

    alias: str
    metric: str
    role: Literal["value", "sum", "count"]
    selection: bool
    sensitivity: float
    exact: bool


def alpha_fraction(alpha: float, max_group_rows: int) -> tuple[int, int]:
    """``alpha`` as the integer ratio OpenDP scores quantiles with (exact if it fits, else rounded)."""
    exact = Fraction(alpha)
    limit = U64_MAX // max_group_rows
    if exact.denominator < limit:
        return exact.numerator, exact.denominator
    return round(alpha * float(limit)), limit


def global_scale(parts: list[Part], epsilon: float, l0: int) -> float:
    """The ``c`` at which the parts of one release spend exactly ``epsilon``."""
    weight = sum(2 * l0 if p.selection else 1 for p in parts)
    return weight / epsilon


def implied_epsilon(parts: list[Part], scales: dict[str, float], l0: int) -> float:
    """Privacy loss of the released scales under the textbook bounds above."""
    return sum((2 * l0 if p.selection else 1) * p.sensitivity / scales[p.alias] for p in parts)


def check_scales(parts: list[Part], scales: dict[str, float], c: float, c0: float, where: str) -> None:
    """Fail loudly if OpenDP's scales differ from the theory's ``c0 · Δ``.

    ``c`` is the global scale OpenDP accepted; it may exceed ``c0`` only to pay a float sum's
    rounding allowance. Integer statistics get exactly ``c · Δ``; none gets less than ``c0 · Δ``.
    """
    floats = any(not p.exact for p in parts)
    for part in parts:
        expected, actual = c * part.sensitivity, scales[part.alias]
        low = actual < c0 * part.sensitivity * (1 - TOLERANCE)
        drift = not floats and not math.isclose(c, c0, rel_tol=TOLERANCE)
        if low or drift or (part.exact and not math.isclose(actual, expected, rel_tol=TOLERANCE)):
            raise fail(
                ReasonCode.INTERNAL,
                f"{where}: OpenDP's noise scale for {part.alias} is {actual:.6g}, the theory for"
                f" this contribution bound gives {expected:.6g}; refusing to release",
            )


def rank_accuracy(scale: float, candidates: int, den: int, alpha: float = 0.05) -> float:
    """Rows by which the chosen candidate's rank may exceed the best one's, with ``1 - alpha`` confidence.

    Report-noisy-min picks ``argmin(score - E)`` with ``E ~ Exp(scale)``, so the chosen score is at
    most the best score plus ``max E``, which exceeds ``scale · ln(m / alpha)`` with probability
    at most ``alpha`` (union bound over ``m`` candidates); scores count rows times ``den``.
    """
    return scale * math.log(candidates / alpha) / den
