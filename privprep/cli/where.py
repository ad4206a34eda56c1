"""The audit log and the budget ledger a reading command uses, by the rule of :mod:`privprep.locations`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from privprep.errors import PrivprepError, ReasonCode
from privprep.locations import Location, audit_log_location, ledger_location

if TYPE_CHECKING:
    from privprep.audit import AuditLog
    from privprep.policy import Policy

LEDGER_NOTE = " (apply keeps a ledger beside its input file unless the policy's aggregates.ledger names one)"
LogOption = typer.Option(
    None, "--log", metavar="PATH", help="Audit log. Default: see 'Where the audit log and ledger live'."
)
PolicyOption = typer.Option(
    None, "--policy", metavar="POLICY", help="Look where this policy's runs put the audit log and ledger."
)


def audit_log(log: Path | None, policy: Path | None) -> tuple[AuditLog, Location]:
    """The audit log to read, which must exist; the error names where it looked and how to look elsewhere."""
    setting, beside = None, None
    if policy is not None:
        output = _load(policy).output
        setting, beside = output.audit_log, Path(output.path).parent if output.path else None
    where = audit_log_location(log, policy_setting=setting, beside=beside)
    if not where.path.is_file():
        raise where.not_found("audit log", ReasonCode.AUDIT_INVALID)
    from privprep.audit import AuditLog

    return AuditLog(where.path), where


def find(log: AuditLog, where: Location, run_id: str) -> dict[str, object]:
    """The record of ``run_id``; when no run (or several) match, the message says where it looked."""
    try:
        return log.find(run_id)
    except PrivprepError as exc:
        raise PrivprepError(exc.code, f"{exc.message}; {where.hint()}", exc.problems, exc.details) from None


def ledger(path: Path | None, policy: Path | None) -> Location:
    """The budget ledger to read, which must exist."""
    setting = None
    if policy is not None:
        aggregates = _load(policy).aggregates
        setting = aggregates.ledger if aggregates else None
    where = ledger_location(path, policy_setting=setting)
    if not where.path.is_file():
        raise where.not_found("budget ledger", ReasonCode.INPUT_NOT_FOUND, LEDGER_NOTE)
    return where


def _load(policy: Path) -> Policy:
    from privprep.policy import load_policy

    return load_policy(policy)
