"""Finish what dead runs left: the temp files named in the ``started`` records of the audit log.

A run whose ``finished`` record says ``success`` had fsynced every temp file before that record
was appended, so its renames are redone (the finished record is the commit point). A run that
failed, or whose process died before finishing, never published anything: its temp files are
deleted. Runs whose process still lives (same host, same pid and start time) are left alone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from privprep.audit.store import AuditLog
from privprep.dp.owner import Owner
from privprep.io.atomic import commit, remove_temp, scratch_path


def recover(log: AuditLog) -> list[str]:
    """Roll dead runs' temp files forward or back; returns a line per file handled (paths only)."""
    done = []
    for run in log.runs().values():
        intent = (run.started or {}).get("intent")
        left = [p for p in (intent or {}).get("outputs", []) if _exists(Path(p["tmp"]))]
        if not left:
            continue
        if Owner(intent["host"], intent["pid"], intent.get("pid_start")).alive():
            continue  # still running (or between its finished record and its renames)
        committed = run.finished is not None and (run.finished.get("result") or {}).get("status") == "success"
        for planned in left:
            done += _settle(Path(planned["tmp"]), Path(planned["path"]), committed)
    return done


def _exists(tmp: Path) -> bool:
    return tmp.exists() or scratch_path(tmp).exists()


def _settle(tmp: Path, target: Path, committed: bool) -> list[str]:
    if committed and tmp.exists():
        with contextlib.suppress(FileNotFoundError):  # another run may be recovering it right now
            commit(tmp, target)  # a staged folder (Spark) replaces an older output folder too
            return [f"renamed {tmp} to {target} (its run had finished)"]
    remove_temp(tmp)
    return [f"deleted {tmp} (its run failed or died unfinished)"]
