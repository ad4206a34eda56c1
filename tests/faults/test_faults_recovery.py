"""What the next run does with a dead run's temp files: redo a finished run's renames, delete the rest."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from privprep.audit import AuditLog
from privprep.recovery import recover


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def left_behind(tmp_path: Path, *, pid: int, status: str | None) -> tuple[AuditLog, Path, Path]:
    """A log holding one run's started record (and its finished one, with ``status``), and its temp file."""
    target, tmp = tmp_path / "out.parquet", tmp_path / ".out.parquet.run-1.tmp"
    tmp.write_bytes(b"PAR1 staged")
    log = AuditLog(tmp_path / "audit.jsonl")
    intent = {"outputs": [{"path": str(target), "tmp": str(tmp)}], "pid": pid, "host": socket.gethostname()}
    log.append({"kind": "started", "run_id": "run-1", "intent": intent})
    if status is not None:
        log.append({"kind": "finished", "run_id": "run-1", "result": {"status": status}})
    return log, target, tmp


def test_a_dead_run_that_finished_has_its_renames_redone(tmp_path: Path) -> None:
    log, target, tmp = left_behind(tmp_path, pid=dead_pid(), status="success")
    assert recover(log) == [f"renamed {tmp} to {target} (its run had finished)"]
    assert target.read_bytes() == b"PAR1 staged" and not tmp.exists()


@pytest.mark.parametrize("status", [None, "failed"])
def test_a_dead_run_that_never_finished_loses_its_temp_files(tmp_path: Path, status: str | None) -> None:
    log, target, tmp = left_behind(tmp_path, pid=dead_pid(), status=status)
    assert recover(log) == [f"deleted {tmp} (its run failed or died unfinished)"]
    assert not tmp.exists() and not target.exists()


@pytest.mark.parametrize("status", [None, "success"])
def test_a_live_run_is_left_alone(tmp_path: Path, status: str | None) -> None:
    """Between its finished record and its renames a live run owns its temp files."""
    log, target, tmp = left_behind(tmp_path, pid=os.getpid(), status=status)
    assert recover(log) == [] and tmp.exists() and not target.exists()


def test_nothing_to_do_is_cheap_and_quiet(tmp_path: Path) -> None:
    log, _, tmp = left_behind(tmp_path, pid=dead_pid(), status="failed")
    tmp.unlink()
    assert recover(log) == []
