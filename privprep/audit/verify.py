"""Verify an audit log: every hash, every link, and every output file a record names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privprep.audit.chain import GENESIS, record_hash_ok
from privprep.audit.store import AuditLog
from privprep.io.parquet import read_privprep_metadata, sha256_file


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
    prev = GENESIS
    for number, record in enumerate(log.records(), start=1):
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
        if check_outputs:
            _check_output(record, number, result)
    result.head = prev
    return result


def _check_output(record: dict[str, Any], number: int, result: Verification) -> None:
    output = (record.get("result") or {}).get("output") or {}
    path, expected = output.get("path"), output.get("sha256")
    if record.get("result", {}).get("status") != "success" or not path or not expected:
        return
    file = Path(path)
    if not file.exists():
        result.notes.append(f"record {number}: output {path} no longer exists (not checked)")
        return
    result.outputs_checked += 1
    if sha256_file(file) != expected:
        if read_privprep_metadata(file).get("run_id") == record.get("run_id"):
            result.problems.append(f"record {number}: output {path} was modified after the run")
        else:
            result.notes.append(f"record {number}: output {path} was overwritten by a later run")
