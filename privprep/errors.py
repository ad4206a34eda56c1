"""One error root with reason codes, structured fields and documented exit codes.

Messages name places (policy path and line, column, dtype) and allowed values;
they never carry a value read from the input data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ReasonCode(StrEnum):
    """Why a run failed; stable strings, recorded in the audit log."""

    POLICY_INVALID = "policy_invalid"
    INPUT_NOT_FOUND = "input_not_found"
    INPUT_INVALID = "input_invalid"
    COLUMN_MISSING = "column_missing"
    TYPE_MISMATCH = "type_mismatch"
    UNLISTED_COLUMN = "unlisted_column"
    KEY_MISSING = "key_missing"
    UNDECLARED_PII = "undeclared_pii"
    CHECK_FAILED = "check_failed"
    LABEL_UNKNOWN = "label_unknown"
    DRIFT_DETECTED = "drift_detected"
    BUDGET_EXCEEDED = "budget_exceeded"
    DP_INVALID = "dp_invalid"
    AUDIT_INVALID = "audit_invalid"
    OUTPUT_FAILED = "output_failed"
    INTERRUPTED = "interrupted"
    INTERNAL = "internal"


EXIT_CODES: dict[ReasonCode, int] = {
    ReasonCode.POLICY_INVALID: 2,
    ReasonCode.INPUT_NOT_FOUND: 3,
    ReasonCode.INPUT_INVALID: 3,
    ReasonCode.COLUMN_MISSING: 3,
    ReasonCode.TYPE_MISMATCH: 3,
    ReasonCode.UNLISTED_COLUMN: 3,
    ReasonCode.KEY_MISSING: 4,
    ReasonCode.UNDECLARED_PII: 5,
    ReasonCode.CHECK_FAILED: 5,
    ReasonCode.LABEL_UNKNOWN: 5,
    ReasonCode.DRIFT_DETECTED: 5,
    ReasonCode.BUDGET_EXCEEDED: 6,
    ReasonCode.DP_INVALID: 2,
    ReasonCode.AUDIT_INVALID: 7,
    ReasonCode.OUTPUT_FAILED: 8,
    ReasonCode.INTERRUPTED: 130,
    ReasonCode.INTERNAL: 1,
}


SEVERITY = (
    ReasonCode.POLICY_INVALID,
    ReasonCode.COLUMN_MISSING,
    ReasonCode.UNDECLARED_PII,
    ReasonCode.TYPE_MISMATCH,
    ReasonCode.UNLISTED_COLUMN,
)
"""When one check finds problems of several kinds, the run fails with the first listed here."""


@dataclass(frozen=True)
class Problem:
    """One located problem: where (``columns.email.kind (line 7)``), what, and its reason code."""

    where: str
    message: str
    line: int | None = None
    code: ReasonCode | None = None

    def __str__(self) -> str:
        place = f"{self.where} (line {self.line})" if self.line else self.where
        return f"{place}: {self.message}" if place else self.message


@dataclass
class PrivprepError(Exception):
    """Root of every error privprep raises on purpose."""

    code: ReasonCode
    message: str
    problems: list[Problem] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.code]


class PolicyError(PrivprepError):
    """The policy file is unreadable or invalid; ``problems`` lists every issue."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(ReasonCode.POLICY_INVALID, message, problems or [])


def most_severe(problems: list[Problem], default: ReasonCode) -> ReasonCode:
    """The code a list of problems fails with: the first of :data:`SEVERITY` any problem carries."""
    codes = {p.code for p in problems}
    return next((code for code in SEVERITY if code in codes), default)


def fail(code: ReasonCode, message: str, **details: Any) -> PrivprepError:
    """Build an error to raise: ``raise fail(ReasonCode.KEY_MISSING, "...")``."""
    return PrivprepError(code, message, details=details)
