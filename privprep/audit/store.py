"""The append-only JSON Lines audit log: one sealed record per line, appended under a file lock.

Reading is robust to a torn last line (a crash or a full disk mid-append): it is reported, never
parsed, and the next append first sets it aside in ``<log>.torn-<n>`` behind a ``recovery`` record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from filelock import FileLock

from privprep.audit.chain import GENESIS, seal
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.locations import AUDIT_LOG_NAME as DEFAULT_NAME  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from privprep.audit.sign import Signer

MIN_FREE_BYTES = 1 << 20  # a record is at most a few hundred kB; refuse to start a run with less room
BLOCK = 1 << 16


@dataclass(frozen=True)
class TornTail:
    """Bytes after the last newline: a record whose append never completed."""

    offset: int
    length: int
    sha256: str


@dataclass(frozen=True)
class Run:
    """A run's ``started`` and ``finished`` records (one that failed before it started has no ``started``)."""

    started: dict[str, Any] | None = None
    finished: dict[str, Any] | None = None

    @property
    def last(self) -> dict[str, Any]:
        """Its ``finished`` record if it has one, else its ``started`` one."""
        return self.finished or self.started or {}


def group_runs(records: list[dict[str, Any]], runs: dict[str, Run] | None = None) -> dict[str, Run]:
    """Run id → its records, in the order the runs first appear (``recovery`` records belong to none).

    With ``runs``, the records are added to those already grouped.
    """
    runs = {} if runs is None else runs
    for record in records:
        what = kind(record)
        if what in ("started", "finished"):
            run = str(record.get("run_id"))
            runs[run] = replace(runs.get(run, Run()), **{what: record})
    return runs


@dataclass
class _Read:
    """How far this process has read a log: its file identity, the end of the complete lines read,
    the bytes just before that end (to notice a replaced file) and the runs grouped so far."""

    identity: tuple[int, int]
    offset: int
    before: bytes
    lines: int
    runs: dict[str, Run]


_READ: dict[Path, _Read] = {}


def kind(record: dict[str, Any]) -> str | None:
    """``started`` / ``finished`` / ``recovery``; records written before write-ahead are ``finished``."""
    found = record.get("kind")
    if found is None and "result" in record:
        return "finished"
    return found if isinstance(found, str) else None


class AuditLog:
    """``AuditLog(path, signer).append(record)``; concurrent writers serialize on ``<path>.lock``."""

    def __init__(self, path: str | Path, signer: Signer | None = None) -> None:
        self.path = Path(path)
        self.signer = signer  # set once the run's master key is known

    def preflight(self) -> None:
        """Fail before a run does any work if no record could be appended here.

        Checks that the folder and file can be opened for appending, that the last record is readable
        (a torn tail is fine: append recovers it) and that the disk has room for a record.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._open() as fh:
                line, _, _ = _tail(fh)
            free = shutil.disk_usage(self.path.parent).free
        except OSError as exc:
            raise self._io_error(exc) from None
        if line is not None:
            self._hash_of(line)
        if free < MIN_FREE_BYTES:
            message = f"cannot append to audit log {self.path}: only {free} bytes free on its disk"
            raise fail(ReasonCode.OUTPUT_FAILED, message + f" (need {MIN_FREE_BYTES})")

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Seal ``record`` onto the chain and append it durably; returns the sealed record."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=60), self._open() as fh:
                line, end, size = _tail(fh)
                prev = self._hash_of(line) if line is not None else GENESIS
                if fh.seek(end) < size and fh.read(size - end).strip():
                    recovery = seal(self._set_aside(fh, end, size), prev, self.signer)
                    _write(fh, recovery)
                    prev = recovery["hash"]
                sealed = seal(record, prev, self.signer)
                _write(fh, sealed)
        except OSError as exc:
            raise self._io_error(exc) from None
        return sealed

    def head(self) -> str:
        """The hash of the last complete record (``GENESIS`` for an empty log)."""
        if not self.path.exists():
            return GENESIS
        with self.path.open("rb") as fh:
            line, _, _ = _tail(fh)
        return self._hash_of(line) if line is not None else GENESIS

    def records(self) -> list[dict[str, Any]]:
        """All complete records, oldest first (a torn tail is skipped: see :meth:`torn_tail`).

        A complete line that is not a JSON object is an :class:`AUDIT_INVALID` error.
        """
        data = self._bytes()
        complete = data[: data.rfind(b"\n") + 1]
        return [
            self._parse(line, number)
            for number, line in enumerate(complete.split(b"\n"), start=1)
            if line.strip()
        ]

    def torn_tail(self) -> TornTail | None:
        data = self._bytes()
        offset = data.rfind(b"\n") + 1
        rest = data[offset:]
        return TornTail(offset, len(rest), hashlib.sha256(rest).hexdigest()) if rest.strip() else None

    def runs(self) -> dict[str, Run]:
        """Every run in the log with its ``started`` and ``finished`` records (see :func:`group_runs`).

        Incremental within a process: only the lines appended since the last call are parsed (the
        log is append-only; a file replaced or cut shorter is read again from the start). Verification
        never relies on this: it reads every record (:meth:`records`).
        """
        path = self.path.absolute()
        try:
            with self.path.open("rb") as fh:
                stat = os.fstat(fh.fileno())
                seen = _READ.get(path)
                if seen is not None and not _continues(fh, seen, (stat.st_dev, stat.st_ino), stat.st_size):
                    seen = None
                start = seen.offset if seen is not None else 0
                fh.seek(start)
                data = fh.read()
        except FileNotFoundError:
            _READ.pop(path, None)
            return {}
        except OSError as exc:
            message = f"cannot read audit log {self.path}: {exc.strerror}"
            raise fail(ReasonCode.AUDIT_INVALID, message) from None
        complete = data[: data.rfind(b"\n") + 1]
        lines = complete.split(b"\n")[:-1] if complete else []
        first = seen.lines if seen is not None else 0
        new = [self._parse(line, first + n) for n, line in enumerate(lines, start=1) if line.strip()]
        runs = group_runs(new, dict(seen.runs) if seen is not None else None)
        end = start + len(complete)
        if end:
            before = (seen.before if seen is not None else b"") + complete
            _READ[path] = _Read((stat.st_dev, stat.st_ino), end, before[-64:], first + len(lines), runs)
        return dict(runs)

    def find(self, run_id: str) -> dict[str, Any]:
        """The record of ``run_id`` (a unique prefix is enough): its ``finished`` one if it has one."""
        found = [run for name, run in self.runs().items() if name.startswith(run_id)]
        if len(found) != 1:
            what = "no run" if not found else f"{len(found)} runs"
            raise fail(ReasonCode.AUDIT_INVALID, f"{what} in {self.path} match run id {run_id!r}")
        return found[0].last

    def incomplete_runs(self) -> list[dict[str, Any]]:
        """``started`` records with no ``finished`` record: killed runs, or runs still going."""
        return [run.started for run in self.runs().values() if run.started and not run.finished]

    def _set_aside(self, fh: IO[bytes], end: int, size: int) -> dict[str, Any]:
        """Copy the torn bytes to ``<log>.torn-<n>``, cut them off, and describe that in a record."""
        fh.seek(end)
        torn = fh.read(size - end)
        taken = {p.name for p in self.path.parent.glob(f"{self.path.name}.torn-*")}
        side = next(
            self.path.with_name(f"{self.path.name}.torn-{n}")
            for n in range(1, len(taken) + 2)
            if f"{self.path.name}.torn-{n}" not in taken
        )
        with side.open("xb") as out:
            out.write(torn)
            out.flush()
            os.fsync(out.fileno())
        fh.truncate(end)
        os.fsync(fh.fileno())
        about = {"offset": end, "bytes": len(torn), "sha256": hashlib.sha256(torn).hexdigest()}
        return {"kind": "recovery", "torn": about | {"moved_to": side.name}}

    def _hash_of(self, line: bytes) -> str:
        record = self._parse(line, None)
        found = record.get("hash")
        if not isinstance(found, str):
            message = f"the last record of {self.path} has no hash; refusing to append (run audit verify)"
            raise fail(ReasonCode.AUDIT_INVALID, message)
        return found

    def _parse(self, line: bytes, number: int | None) -> dict[str, Any]:
        where = f"{self.path} line {number}" if number else f"the last line of {self.path}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise fail(ReasonCode.AUDIT_INVALID, f"{where} is not valid JSON") from None
        if not isinstance(record, dict):
            raise fail(ReasonCode.AUDIT_INVALID, f"{where} is not a JSON object")
        return record

    def _bytes(self) -> bytes:
        try:
            return self.path.read_bytes() if self.path.exists() else b""
        except OSError as exc:
            message = f"cannot read audit log {self.path}: {exc.strerror}"
            raise fail(ReasonCode.AUDIT_INVALID, message) from None

    def _open(self) -> IO[bytes]:
        """Unbuffered read + append (every write lands at the end; a failed write can be cut off)."""
        return open(self.path, "a+b", buffering=0)

    def _io_error(self, exc: OSError) -> PrivprepError:
        return fail(ReasonCode.OUTPUT_FAILED, f"cannot append to audit log {self.path}: {exc.strerror}")


def _continues(fh: IO[bytes], seen: _Read, identity: tuple[int, int], size: int) -> bool:
    """Whether the open log is the one ``seen`` read, grown only at its end since."""
    if identity != seen.identity or size < seen.offset:
        return False
    fh.seek(seen.offset - len(seen.before))
    return fh.read(len(seen.before)) == seen.before


def _write(fh: IO[bytes], record: dict[str, Any]) -> None:
    """Append one line durably; on failure cut off whatever part of it was written."""
    data = memoryview((json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n").encode())
    start = fh.seek(0, os.SEEK_END)
    try:
        while data:
            data = data[fh.write(data) or 0 :]
        os.fsync(fh.fileno())
    except OSError:
        with contextlib.suppress(OSError):
            fh.truncate(start)
        raise


def _tail(fh: IO[bytes]) -> tuple[bytes | None, int, int]:
    """``(last complete non-blank line, end of the complete lines, file size)``, reading from the end."""
    size = fh.seek(0, os.SEEK_END)
    buf, pos, block = b"", size, BLOCK
    while True:
        newline = buf.rfind(b"\n")
        if newline >= 0:
            body = buf[:newline].rstrip()
            start = body.rfind(b"\n")
            if body and (start >= 0 or pos == 0):
                return body[start + 1 :], pos + newline + 1, size
            if not body and pos == 0:
                return None, pos + newline + 1, size
        elif pos == 0:
            return None, 0, size
        step = min(block, pos)
        pos -= step
        fh.seek(pos)
        buf = fh.read(step) + buf
        block *= 2
