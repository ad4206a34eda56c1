"""Earlier runs in the audit log: the baseline a drift check or a taxonomy check compares with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privprep.audit.store import AuditLog


def dataset_of(record: dict[str, Any]) -> tuple[Any, Any]:
    """What makes two runs "the same dataset": the policy name and the input path as recorded."""
    header = record.get("header") or {}
    return (header.get("policy") or {}).get("name"), (header.get("input") or {}).get("path")


def previous_run(log_path: Path, policy_name: str, input_path: str | None) -> dict[str, Any] | None:
    """The last successful run of ``policy_name`` on ``input_path`` in the log, if any."""
    if not log_path.exists():
        return None
    found = None
    for run in AuditLog(log_path).runs().values():
        record = run.finished or {}
        succeeded = (record.get("result") or {}).get("status") == "success"
        if succeeded and dataset_of(record) == (policy_name, input_path):
            found = record
    return found


def named_run(log_path: Path, run_id: str) -> dict[str, Any]:
    """The finished record of ``run_id`` (a unique prefix is enough); AUDIT_INVALID if absent."""
    return AuditLog(log_path).find(run_id)
