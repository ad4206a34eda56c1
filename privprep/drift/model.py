"""Value-free drift records: the output's profile with fixed-bin histograms, and a comparison of two.

Histograms never name a raw value: numeric bins are edges (set by the policy, taken from the
baseline run, or rounded deciles), label bins are the policy's taxonomy classes, and other
categories appear only as keyed digests of values that occur at least ``k`` times.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OTHER = "__other__"
BinSource = Literal["policy", "baseline", "derived", "taxonomy"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Histogram(_Model):
    """Counts of the non-null values per bin.

    ``numeric``: ``edges`` e0 < … < en give bins (-inf, e0], (e0, e1], …, (en, inf).
    ``label``: ``bins`` are the taxonomy classes. ``category``: ``bins`` are keyed digests of the
    most frequent values (each ≥ k times), then ``__other__``.
    """

    kind: Literal["numeric", "label", "category"]
    source: BinSource
    edges: list[float] | None = None
    bins: list[str] | None = None
    counts: list[int]

    @property
    def names(self) -> list[str]:
        """One name per bin (edges written as intervals)."""
        if self.bins is not None:
            return list(self.bins)
        edges = self.edges or []
        lows = ["-inf", *map(_g, edges)]
        highs = [*map(_g, edges), "inf"]
        return [
            f"({lo}, {hi}]" if hi != "inf" else f"({lo}, inf)" for lo, hi in zip(lows, highs, strict=True)
        ]


def _g(x: float) -> str:
    return f"{x:g}"


class ColumnDrift(_Model):
    dtype: str
    null_rate: float
    distinct: int
    histogram: Histogram | None = None


class DriftProfile(_Model):
    rows: int
    row_limit: int
    schema_hash: str
    k: int
    columns: dict[str, ColumnDrift]


class Retyped(_Model):
    column: str
    before: str
    after: str


class SchemaChange(_Model):
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    retyped: list[Retyped] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.retyped)


class ColumnChange(_Model):
    column: str
    psi: float | None
    null_rate_before: float
    null_rate_after: float
    drifted: bool
    note: str | None = None


class LabelChange(_Model):
    """A label column's class shares before and after (``None``: fewer than k rows, not shown)."""

    column: str
    classes: list[str]
    before: list[float | None]
    after: list[float | None]
    psi: float | None


class Comparison(_Model):
    baseline: str | None
    current: str | None
    psi_limit: float
    null_rate_limit: float | None
    schema_: SchemaChange = Field(alias="schema")
    columns: list[ColumnChange]
    labels: list[LabelChange]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def drifted(self) -> list[ColumnChange]:
        return [c for c in self.columns if c.drifted]

    def problems(self) -> list[str]:
        """One line per schema change and per drifted column (names and figures, never values)."""
        s = self.schema_
        lines = [f"column {c!r} added" for c in s.added] + [f"column {c!r} removed" for c in s.removed]
        lines += [f"column {r.column!r} retyped {r.before} → {r.after}" for r in s.retyped]
        for c in self.drifted:
            psi = f"PSI {c.psi:.3f}" if c.psi is not None else "PSI n/a"
            lines.append(
                f"column {c.column!r} drifted: {psi} (limit {self.psi_limit:g}), null rate"
                f" {c.null_rate_before:.2%} → {c.null_rate_after:.2%}"
            )
        return lines


class DriftSection(_Model):
    """The run's drift profile and, when a baseline was found, the comparison with it."""

    profile: DriftProfile
    against: str | None = None
    baseline: str | None = Field(None, description="the baseline's run id; None: no earlier run to compare")
    comparison: Comparison | None = None


class DriftInfo(_Model):
    columns: int
    histograms: int
    compared: bool
    drifted: int
    schema_changes: int
