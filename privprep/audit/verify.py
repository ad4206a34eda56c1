"""Verify an audit log: every hash, every link, and every output file a record names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privprep.audit.chain import GENESIS, record_hash_ok
from privprep.audit.store import AuditLog
from privprep.io.parquet import sha256_file


@dataclass
class Verification:
    """Outcome of :func:`verify_log`: ``ok`` unless ``problems`` lists something."""

    records: int = 0
    outputs_checked: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(log: AuditLog, *, check_outputs: bool = True) -> Verification:
    """Detect edited, deleted, reordered or inserted records and outputs that changed since."""
    result = Verification()
    records = log.records()
    prev = GENESIS
    for number, record in enumerate(records, start=1):
        result.records += 1
        run = record.get("run_id", "?")
        if not record_hash_ok(record):
            result.problems.append(f"record {number} (run {run}): content does not match its hash (edited)")
        if record.get("prev_hash") != prev:
            result.problems.append(
                f"record {number} (run {run}): does not link to the record before it"
                " (a record was deleted, inserted or reordered)"
            )
        prev = record.get("hash", "")
    result.head = prev
    if check_outputs:
        _check_outputs(records, result)
    return result


def _check_outputs(records: list[dict[str, Any]], result: Verification) -> None:
    """Check each output path against the last successful record that wrote it."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, record in enumerate(records, start=1):
        outcome = record.get("result") or {}
        output = outcome.get("output") or {}
        if outcome.get("status") == "success" and output.get("path") and output.get("sha256"):
            path = output["path"]
            if path in latest:
                result.notes.append(f"record {latest[path][0]}: output {path} was overwritten by a later run")
            latest[path] = (number, output)
    for number, output in latest.values():
        _check_output(number, output, result)


def _check_output(number: int, output: dict[str, Any], result: Verification) -> None:
    path = Path(output["path"])
    if not path.is_file():
        result.notes.append(f"record {number}: output {path} no longer exists (not checked)")
        return
    result.outputs_checked += 1
    if sha256_file(path) != output["sha256"]:
        result.problems.append(f"record {number}: output {path} was modified after the run")
