"""The append-only JSON Lines audit log: one sealed record per line, appended under a file lock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

from privprep.audit.chain import GENESIS, seal
from privprep.errors import ReasonCode, fail

DEFAULT_NAME = "privprep-audit.jsonl"


class AuditLog:
    """``AuditLog(path).append(record)``; concurrent writers serialize on ``<path>.lock``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def ensure_writable(self) -> None:
        """Fail before a run does any work if no record could be appended here."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8"):
                pass
        except OSError as exc:
            message = f"cannot append to audit log {self.path}: {exc.strerror}"
            raise fail(ReasonCode.OUTPUT_FAILED, message) from None

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Seal ``record`` onto the chain and append it durably; returns the sealed record."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=60):
            sealed = seal(record, self._last_hash())
            line = json.dumps(sealed, sort_keys=True, ensure_ascii=False) + "\n"
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        return sealed

    def _last_hash(self) -> str:
        last = None
        for last in self.lines():  # noqa: B007
            pass
        return json.loads(last).get("hash", GENESIS) if last else GENESIS

    def lines(self) -> Iterator[str]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as fh:
            yield from (line for line in fh if line.strip())

    def records(self) -> list[dict[str, Any]]:
        """All records, oldest first; an unparseable line is an :class:`AUDIT_INVALID` error."""
        out = []
        for number, line in enumerate(self.lines(), start=1):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                raise fail(ReasonCode.AUDIT_INVALID, f"{self.path} line {number} is not valid JSON") from None
        return out

    def find(self, run_id: str) -> dict[str, Any]:
        """The record of ``run_id`` (a unique prefix is enough)."""
        matches = [
            r
            for r in self.records()
            if r.get("run_id", "").startswith(run_id) and r.get("kind", "finished") == "finished"
        ]
        if len(matches) != 1:
            what = "no run" if not matches else f"{len(matches)} runs"
            raise fail(ReasonCode.AUDIT_INVALID, f"{what} in {self.path} match run id {run_id!r}")
        return matches[0]
