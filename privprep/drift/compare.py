"""Compare two drift profiles: schema changes, per-column PSI and null-rate change, label shares.

>>> comparison = compare(baseline_profile, current_profile, psi_limit=0.2)
>>> comparison.schema_.changed, [c.column for c in comparison.drifted]
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from privprep.drift.model import (
    ColumnChange,
    ColumnDrift,
    Comparison,
    DriftProfile,
    LabelChange,
    Retyped,
    SchemaChange,
)
from privprep.drift.profile import from_output
from privprep.drift.psi import align, psi
from privprep.errors import ReasonCode, fail


def schema_change(before: DriftProfile, after: DriftProfile) -> SchemaChange:
    """Columns added, removed, and kept with another dtype."""
    a, b = before.columns, after.columns
    return SchemaChange(
        added=[c for c in b if c not in a],
        removed=[c for c in a if c not in b],
        retyped=[
            Retyped(column=c, before=a[c].dtype, after=b[c].dtype)
            for c in b
            if c in a and a[c].dtype != b[c].dtype
        ],
    )


def column_psi(before: ColumnDrift, after: ColumnDrift) -> tuple[float | None, str | None]:
    """PSI of one column's histograms, or why there is none."""
    h0, h1 = before.histogram, after.histogram
    if h0 is None or h1 is None:
        return None, "no histogram" if h0 is h1 else "histogram on one side only"
    if h0.kind != h1.kind:
        return None, "histograms of different kinds"
    if h0.kind == "numeric":
        if h0.edges != h1.edges:
            return None, "bins differ"
        return psi(h0.counts, h1.counts), None
    _, e, a = align(dict(zip(h0.names, h0.counts, strict=True)), dict(zip(h1.names, h1.counts, strict=True)))
    return psi(e, a), None


def compare(
    before: DriftProfile,
    after: DriftProfile,
    *,
    psi_limit: float = 0.2,
    null_rate_limit: float | None = None,
    baseline: str | None = None,
    current: str | None = None,
) -> Comparison:
    """Everything that changed from ``before`` to ``after`` (names and figures only)."""
    columns, labels = [], []
    for name, now in after.columns.items():
        then = before.columns.get(name)
        if then is None:
            continue
        value, note = column_psi(then, now)
        jump = abs(now.null_rate - then.null_rate)
        drifted = (value is not None and value > psi_limit) or (
            null_rate_limit is not None and jump > null_rate_limit
        )
        columns.append(ColumnChange(
            column=name, psi=value, null_rate_before=then.null_rate, null_rate_after=now.null_rate,
            drifted=drifted, note=note,
        ))  # fmt: skip
        if now.histogram and then.histogram and now.histogram.kind == then.histogram.kind == "label":
            labels.append(_label_change(name, then, now, before.k, value))
    return Comparison(
        baseline=baseline, current=current, psi_limit=psi_limit, null_rate_limit=null_rate_limit,
        schema=schema_change(before, after), columns=columns, labels=labels,
    )  # fmt: skip


def _label_change(name: str, then: ColumnDrift, now: ColumnDrift, k: int, value: float | None) -> LabelChange:
    assert then.histogram is not None and now.histogram is not None
    classes, e, a = align(
        dict(zip(then.histogram.names, then.histogram.counts, strict=True)),
        dict(zip(now.histogram.names, now.histogram.counts, strict=True)),
    )
    return LabelChange(column=name, classes=classes, before=_shares(e, k), after=_shares(a, k), psi=value)


def _shares(counts: list[int], k: int) -> list[float | None]:
    total = sum(counts)
    return [round(n / total, 4) if total and (n >= k or n == 0) else None for n in counts]


def profile_of(record: dict[str, Any]) -> DriftProfile:
    """A run's drift profile: its ``drift`` section, else one built from its plain output profile
    (schema, null rates, distinct counts; no histograms). AUDIT_INVALID if it has neither."""
    result = record.get("result") or {}
    try:
        if (result.get("drift") or {}).get("profile"):
            return DriftProfile.model_validate(result["drift"]["profile"])
        output = (result.get("profile") or {}).get("output")
        if output:
            return from_output(output, {}, k=10)  # an older run: no histograms
    except (ValidationError, KeyError, TypeError):
        pass
    run = record.get("run_id")
    raise fail(ReasonCode.AUDIT_INVALID, f"run {run} has no output profile to compare (did it succeed?)")
