"""run_checks: measure k-anonymity / l-diversity on the output, suppress within bounds, or refuse.

Each check groups the output once into its class table (one streaming group-by). A check
that may suppress drops its breaking classes; since that can break another check on other
columns, checks are visited in turn until each has passed on the final rows. A class table
stays valid after a suppression on a subset of its columns (whole classes go), so the
common case, every check on the same columns, needs one group-by per check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from privprep.checks.classes import Criterion, class_table, summarize, without_classes
from privprep.checks.messages import failure_message, suggestion, suppression_warning
from privprep.errors import ReasonCode, fail
from privprep.policy.checks import ChecksSpec

LOW_K = 3
Removal = tuple[tuple[str, ...], pl.DataFrame]


@dataclass(frozen=True)
class CheckOutcome:
    """What the checks did: the audit record, warnings and how to drop the suppressed rows.

    ``suppress(frame)`` returns ``frame`` without the suppressed rows (row order kept);
    it is ``None`` when nothing was suppressed.
    """

    record: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    suppress: Callable[[pl.LazyFrame], pl.LazyFrame] | None = None


def criteria(spec: ChecksSpec) -> list[Criterion]:
    """The checks a policy asks for, in a fixed order."""
    found = []
    if (k := spec.k_anonymity) is not None:
        found.append(Criterion(
            "k_anonymity", "k-anonymity", "k", tuple(k.quasi_identifiers), k.k,
            on_fail=k.on_fail, max_suppression=k.max_suppression,
        ))  # fmt: skip
    if (ld := spec.l_diversity) is not None:
        found.append(Criterion(
            "l_diversity", "l-diversity", "l", tuple(ld.quasi_identifiers), ld.l, sensitive=ld.sensitive,
            on_fail=ld.on_fail, max_suppression=ld.max_suppression,
        ))  # fmt: skip
    return found


def run_checks(spec: ChecksSpec, frame: pl.LazyFrame, *, before: pl.LazyFrame | None = None) -> CheckOutcome:
    """Measure every check on ``frame`` (the transformed output); ``before`` (the input) adds baselines.

    Raises ``CHECK_FAILED`` (with the record in ``details["checks"]``) when a check breaks
    and may not suppress, or would suppress more than its ``max_suppression``.
    """
    checks = criteria(spec)
    _require_columns(frame, checks)
    records = {c.name: _spec_fields(c) for c in checks}
    if before is not None:
        _add_input_baseline(before, checks, records)
    tables: dict[str, pl.DataFrame | None] = dict.fromkeys(records)
    removals: list[Removal] = []
    current, rows_in = frame, None
    clean, turn = 0, 0
    while clean < len(checks):
        c = checks[turn % len(checks)]
        turn += 1
        table = tables[c.name]
        if table is None:  # first visit, or invalidated by a suppression on other columns
            table = tables[c.name] = class_table(current, c.quasi_identifiers, c.sensitive).collect(
                engine="streaming"
            )
        entry, stats = records[c.name], summarize(table, c)
        entry.setdefault("transformed", stats)
        entry["output"] = stats
        rows_in = stats["rows"] if rows_in is None else rows_in
        breaking = stats["below_threshold"]["rows"]
        if not breaking:
            clean += 1
            continue
        entry["rows_suppressed"] += breaking
        if c.on_fail == "fail" or entry["rows_suppressed"] > (c.max_suppression or 0) * rows_in:
            _refuse(checks, c, current, records, rows_in)
        keys = table.filter(c.violates()).select(c.quasi_identifiers)
        removals.append((c.quasi_identifiers, keys))
        current = _without(frame, removals)
        for other in checks:  # whole classes of a table on a superset of c's columns went: still valid
            kept = tables[other.name]
            valid = kept is not None and set(c.quasi_identifiers) <= set(other.quasi_identifiers)
            tables[other.name] = without_classes(kept, keys) if valid else None
        clean = 0
    return _outcome(checks, records, rows_in or 0, removals)


def _outcome(
    checks: Sequence[Criterion], records: dict[str, Any], rows_in: int, removals: list[Removal]
) -> CheckOutcome:
    rows_out = records[checks[0].name]["output"]["rows"] if checks else rows_in
    warnings = [
        f"checks.{c.name}.{c.symbol} = {c.threshold} is low; 5 or more is usual"
        for c in checks
        if c.symbol == "k" and c.threshold < LOW_K
    ]
    for c in checks:
        entry = records[c.name]
        entry["status"] = "suppressed" if entry["rows_suppressed"] else "passed"
        entry[f"{c.symbol}_achieved"] = _achieved(c, entry["output"])
        if entry["rows_suppressed"]:
            warnings.append(suppression_warning(c, entry, rows_in))
    counts = {"rows_checked": rows_in, "rows_suppressed": rows_in - rows_out, "rows_written": rows_out}
    suppress = functools.partial(_without, removals=removals) if removals else None
    return CheckOutcome({"passed": True, **counts, **records}, warnings, suppress)


def _refuse(
    checks: Sequence[Criterion],
    failing: Criterion,
    frame: pl.LazyFrame,
    records: dict[str, Any],
    rows_in: int,
) -> None:
    """Raise CHECK_FAILED with the failing check's numbers and suggestion; nothing is suppressed."""
    for c in checks:
        entry = records[c.name]
        if "output" in entry:
            entry[f"{c.symbol}_achieved"] = _achieved(c, entry["output"])
        entry["status"] = "failed" if c is failing else "not_final" if "output" in entry else "not_measured"
    entry = records[failing.name]
    entry["suggestion"] = suggestion(frame, failing)
    message = failure_message(failing, entry, rows_in)
    for c in checks:
        records[c.name]["rows_suppressed"] = 0
    record = {"passed": False, "rows_checked": rows_in, "rows_suppressed": 0, "rows_written": 0, **records}
    raise fail(ReasonCode.CHECK_FAILED, message, checks=record)


def _achieved(c: Criterion, stats: dict[str, Any]) -> int | None:
    return stats["smallest_class"] if c.sensitive is None else stats["lowest_diversity"]


def _without(frame: pl.LazyFrame, removals: Sequence[Removal]) -> pl.LazyFrame:
    """``frame`` minus the rows of every removed class (nulls match nulls; row order kept)."""
    for qis, keys in removals:
        frame = frame.join(keys.lazy(), on=list(qis), how="anti", nulls_equal=True, maintain_order="left")
    return frame


def _spec_fields(c: Criterion) -> dict[str, Any]:
    fields: dict[str, Any] = {"quasi_identifiers": list(c.quasi_identifiers)}
    if c.sensitive is not None:
        fields["sensitive"] = c.sensitive
    return fields | {
        c.symbol: c.threshold,
        "on_fail": c.on_fail,
        "max_suppression": c.max_suppression,
        "rows_suppressed": 0,
    }


def _add_input_baseline(before: pl.LazyFrame, checks: Sequence[Criterion], records: dict[str, Any]) -> None:
    """Statistics of the same columns on the input, where the input has them all (streamed, not kept)."""
    names = set(before.collect_schema().names())
    for c in checks:
        if set(c.columns) <= names:
            records[c.name]["input"] = summarize(class_table(before, c.quasi_identifiers, c.sensitive), c)


def _require_columns(frame: pl.LazyFrame, checks: Sequence[Criterion]) -> None:
    names = set(frame.collect_schema().names())
    for c in checks:
        missing = [col for col in c.columns if col not in names]
        if missing:
            raise fail(
                ReasonCode.COLUMN_MISSING,
                f"checks.{c.name} names {', '.join(map(repr, missing))}, not in the output"
                " (dropped by the policy or not in the input); list output columns only",
            )
