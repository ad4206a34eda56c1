"""Finish what dead runs left: the temp files named in the ``started`` records of the audit log.

A run whose ``finished`` record says ``success`` had fsynced every temp file before that record
was appended, so its renames are redone (the finished record is the commit point). A run that
failed, or whose process died before finishing, never published anything: its temp files are
deleted. Runs whose process still lives (same host, same pid and start time) are left alone.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from privprep.audit.store import AuditLog
from privprep.dp.owner import Owner
from privprep.io.atomic import remove_temp


def recover(log: AuditLog) -> list[str]:
    """Roll dead runs' temp files forward or back; returns a line per file handled (paths only)."""
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for record in log.records():
        if isinstance(record, dict) and record.get("kind") in ("started", "finished"):
            runs.setdefault(str(record.get("run_id")), {})[record["kind"]] = record
    done = []
    for kinds in runs.values():
        intent = (kinds.get("started") or {}).get("intent")
        if not intent:
            continue
        finished = kinds.get("finished")
        if finished is None and Owner(intent["host"], intent["pid"], intent.get("pid_start")).alive():
            continue
        committed = finished is not None and (finished.get("result") or {}).get("status") == "success"
        for planned in intent["outputs"]:
            done += _settle(Path(planned["tmp"]), Path(planned["path"]), committed)
    return done


def _settle(tmp: Path, target: Path, committed: bool) -> list[str]:
    if not tmp.exists():
        remove_temp(tmp)
        return []
    if committed:
        with contextlib.suppress(FileNotFoundError):  # another run may be recovering it right now
            os.replace(tmp, target)
            return [f"renamed {tmp} to {target} (its run had finished)"]
    remove_temp(tmp)
    return [f"deleted {tmp} (its run never finished)"]
