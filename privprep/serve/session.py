"""The audit of a serving session: ``serve`` records with counts, never one per transformed record.

A session appends a record when it opens (before any record is served), then, when something
changed, every ``flush_seconds`` and when it closes. Each holds the session's header (policy hash,
key fingerprint, column actions) and its cumulative counts; the last one says ``closed: true``.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from privprep.audit.record import Header, now
from privprep.audit.sign import Signer
from privprep.audit.store import AuditLog
from privprep.errors import PrivprepError
from privprep.keys import MasterKey


class ServeInfo(BaseModel):
    """One flush of a session: what it served so far (counts only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    started_at: str
    flushed_at: str
    closed: bool
    flush: int
    records: int
    refused: int
    values: dict[str, int]  # non-null values transformed, per operator
    skipped: list[str]  # table-level steps the policy's serve.skip leaves out
    warnings: list[str]


class Session:
    """Counts of one transformer, appended to the audit log on open, periodically and on close."""

    def __init__(
        self,
        log_path: Path,
        header: Header,
        master: MasterKey | None,
        skipped: list[str],
        warnings: list[str],
        flush_seconds: float,
    ) -> None:
        self.log = AuditLog(log_path, Signer.from_master(master) if master is not None else None)
        self.log.preflight()
        self.header, self.skipped, self.warnings = header, skipped, warnings
        self.records = self.refused = self.flushes = 0
        self.values: Counter[str] = Counter()
        self.lock, self.flushing = threading.Lock(), threading.Lock()
        self.closed = False
        self._dirty = True
        self._stop = threading.Event()
        self.flush()
        self._timer = threading.Thread(target=self._every, args=(flush_seconds,), daemon=True)
        self._timer.start()
        atexit.register(self.close)

    def count(self, records: int, values: Counter[str] | dict[str, int], refused: int = 0) -> None:
        with self.lock:
            self.records += records
            self.refused += refused
            self.values.update(values)
            self._dirty = True

    def flush(self) -> dict[str, Any] | None:
        """Append the counts so far (nothing when unchanged since the last flush).

        The counts are copied under the counting lock; the append (an fsync) runs outside it,
        so serving never waits for the disk.
        """
        with self.flushing:
            with self.lock:
                if not self._dirty:
                    return None
                self.flushes += 1
                info = ServeInfo(
                    started_at=self.header.started_at, flushed_at=now(), closed=self.closed,
                    flush=self.flushes, records=self.records, refused=self.refused,
                    values=dict(sorted(self.values.items())), skipped=self.skipped, warnings=self.warnings,
                )  # fmt: skip
                self._dirty = False
            header = self.header.model_dump(mode="json", by_alias=True)
            record = {"kind": "serve", "run_id": self.header.run_id, "header": header,
                      "header_sha256": self.header.sha256,
                      "session": info.model_dump(mode="json")}  # fmt: skip
            return self.log.append(record)

    def close(self) -> None:
        """Stop the periodic flush and append the final record (idempotent)."""
        if self.closed:
            return
        self._stop.set()
        with self.lock:
            self.closed, self._dirty = True, True
        self.flush()
        atexit.unregister(self.close)

    def _every(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            with contextlib.suppress(PrivprepError):  # e.g. a full disk: the closing flush raises it
                self.flush()
