"""Flag actions that turn values into nulls (unparseable dates, values out of a type's range).

Counts come from the run's profile (input and output over the same leading rows), so the check
costs no extra pass. Above ``checks.max_null_increase`` (1% by default) of a column's non-null
input values, the run warns, or fails with ``checks.null_increase: fail``; either way the audit
record lists each such column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from privprep.audit.record import ColumnAction, NullIncrease, Profile
from privprep.errors import ReasonCode, fail

if TYPE_CHECKING:
    from privprep.steps import StepState

REASONS = {"unparseable": "text it could not parse", "out_of_range": "values out of range"}


def null_increases(profile: Profile, columns: list[ColumnAction], threshold: float) -> list[NullIncrease]:
    """Columns whose action nulled more than ``threshold`` of their non-null profiled input values."""
    found = []
    for column in columns:
        before, after = profile.input.columns.get(column.name), profile.output.columns.get(column.name)
        if before is None or after is None or before.nulls is None or after.nulls is None:
            continue
        non_null, added = profile.input.rows - before.nulls, after.nulls - before.nulls
        if non_null and added > threshold * non_null:
            parsed = before.dtype == "String"  # text read as a date or number; else a value out of range
            found.append(
                NullIncrease(
                    column=column.name,
                    action=column.action,
                    reason="unparseable" if parsed else "out_of_range",
                    nulls_added=added,
                    non_null_input=non_null,
                    share=round(added / non_null, 4),
                )
            )
    return found


def message(found: NullIncrease, rows: int) -> str:
    return (
        f"column {found.column!r}: {found.action} turned {found.nulls_added} of {found.non_null_input}"
        f" non-null values ({found.share:.1%}) into nulls ({REASONS[found.reason]}; first {rows} rows)"
    )


def check_null_increases(state: StepState, columns: list[ColumnAction]) -> None:
    """Record (and warn about, or fail on) every column over the policy's null-increase threshold."""
    checks, profile = state.policy.checks, state.profile
    if profile is None:
        return
    threshold = checks.max_null_increase if checks else 0.01
    state.null_increases = null_increases(profile, columns, threshold)
    messages = [message(f, profile.input.rows) for f in state.null_increases]
    if messages and checks is not None and checks.null_increase == "fail":
        raise fail(ReasonCode.CHECK_FAILED, "; ".join(messages) + " (checks.null_increase: fail)")
    state.warnings.extend(messages)
