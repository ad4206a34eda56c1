"""``AuditLog.runs()`` reads only what was appended since its last call, and agrees with a full read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.audit import AuditLog
from privprep.audit.chain import digest
from privprep.audit.store import group_runs


def record(kind: str, run_id: str) -> dict[str, Any]:
    header = {"run_id": run_id}
    body = {"result": {"status": "success"}} if kind == "finished" else {"intent": {"outputs": []}}
    return {"kind": kind, "run_id": run_id, "header": header, "header_sha256": digest(header)} | body


def full(path: Path) -> dict:
    return group_runs(AuditLog(path).records())


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["append", "torn", "read", "replace"]), st.integers(0, 4)), max_size=25
    )
)
def test_incremental_runs_equal_a_full_read(tmp_path_factory, steps: list[tuple[str, int]]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("log") / "audit.jsonl"
    reader, writer = AuditLog(path), AuditLog(path)
    for n, (step, run) in enumerate(steps):
        if step == "append":
            writer.append(record("started" if n % 2 else "finished", f"run-{run}"))
        elif step == "torn":  # a half-written record: the next append sets it aside
            with path.open("ab") as fh:
                fh.write(b'{"kind": "started", "run')
        elif step == "replace" and path.exists():  # a log rotated or rewritten: read again from the start
            data = path.read_bytes()
            lines = data[: data.rfind(b"\n") + 1].split(b"\n")[:run]
            path.write_bytes(b"".join(line + b"\n" for line in lines if line))
        assert reader.runs() == (full(path) if path.exists() else {})


def test_only_new_lines_are_parsed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    for i in range(50):
        log.append(record("started", f"r{i}"))
    log.runs()
    parsed: list[bytes] = []
    original = AuditLog._parse
    monkeypatch.setattr(
        AuditLog, "_parse", lambda self, line, number: parsed.append(line) or original(self, line, number)
    )
    assert log.runs()["r3"].finished is None
    log.append(record("finished", "r3"))  # parses the last line for its hash
    parsed.clear()
    assert log.runs()["r3"].finished is not None
    assert len(parsed) == 1  # the new line only
    os.truncate(path, 10)  # cut shorter: read from the start (the torn line is skipped)
    assert AuditLog(path).runs() == {}
