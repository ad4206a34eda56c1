"""What the report shows of the prep and drift steps: label classes (counts under k hidden), the
imbalance ratio, dedupe and split counts, and the drift comparison. Plain values, no markup."""

from __future__ import annotations

from dataclasses import dataclass, field

from privprep.drift.model import Comparison
from privprep.prep.records import LabelCounts, PrepRecord
from privprep.report import fmt


@dataclass(frozen=True)
class LabelView:
    column: str
    version: str
    classes: list[tuple[str, int | None]]  # None: fewer than k rows, not shown
    k: int
    imbalance: str
    facts: list[tuple[str, str]] = field(default_factory=list)


def imbalance_ratio(counts: list[int], k: int) -> float | None:
    """Largest over smallest class count, among classes with at least ``k`` rows (so no small count
    can be worked back from it); ``None`` with fewer than two such classes."""
    shown = [n for n in counts if n >= k]
    return max(shown) / min(shown) if len(shown) >= 2 else None


def label_views(prep: PrepRecord | None) -> list[LabelView]:
    return [_label(name, c) for name, c in (prep.labels if prep else {}).items()]


def _label(name: str, c: LabelCounts) -> LabelView:
    counts = [c.after[cls] for cls in c.classes]
    ratio = imbalance_ratio(counts, c.report_k)
    version = fmt.num(c.taxonomy_version)
    if c.previous_taxonomy_version is not None and c.previous_taxonomy_version != c.taxonomy_version:
        version += f" (previous run: {c.previous_taxonomy_version})"
    moved = ", ".join(f"{r.key} → {r.target}: {_count(r.rows, c.report_k)}" for r in c.rules) or fmt.MISSING
    facts = [
        ("taxonomy version", version),
        ("rows already spelled as a class", _count(sum(c.before[cls] for cls in c.classes), c.report_k)),
        ("rows changed by normalization", _count(c.normalized, c.report_k)),
        ("rows moved per map rule", moved),
        (
            f"unknown values ({c.unknown_action})",
            f"{_count(c.unknown, c.report_k)} rows, {c.unknown_distinct} distinct",
        ),
        ("null labels", _count(c.after["__null__"], c.report_k)),
    ]
    return LabelView(
        column=name,
        version=version,
        classes=[
            (cls, n if n >= c.report_k or n == 0 else None) for cls, n in zip(c.classes, counts, strict=True)
        ],
        k=c.report_k,
        imbalance=f"{ratio:.2f} : 1" if ratio is not None else "n/a (fewer than two classes with ≥ k rows)",
        facts=facts,
    )


def _count(n: int, k: int) -> str:
    return fmt.num(n) if n == 0 or n >= k else f"< {k}"


def prep_facts(prep: PrepRecord | None) -> list[tuple[str, str]]:
    """Dedupe and split counts as key-value lines."""
    if prep is None:
        return []
    facts = []
    if (d := prep.dedupe) is not None:
        on = "all columns" if d.on == "all" else ", ".join(d.on)
        facts.append(
            (
                "duplicates removed",
                f"{fmt.num(d.removed)} of {fmt.num(d.rows_in)} rows (on {on}, keep {d.keep})",
            )
        )
    if (s := prep.split) is not None:
        parts = [
            f"{n} {fmt.num(s.rows[n])} rows / {fmt.num(s.entities[n])} {s.by} (target {f:.0%})"
            for n, f in s.fractions.items()
        ]
        facts.append((f"split by {s.by} into column {s.column}", "; ".join(parts)))
        if s.rows_without_entity:
            facts.append(("rows without an entity (no split)", fmt.num(s.rows_without_entity)))
    return facts


def drift_rows(c: Comparison) -> list[tuple[str, str, str, str]]:
    """One row per compared column: name, PSI, null rate before → after, verdict."""
    return [
        (
            col.column,
            f"{col.psi:.3f}" if col.psi is not None else fmt.MISSING,
            f"{fmt.pct(col.null_rate_before)} → {fmt.pct(col.null_rate_after)}",
            "drifted" if col.drifted else col.note or "stable",
        )
        for col in c.columns
    ]
