"""A full disk under the output or under the audit log, and a torn log tail: fail closed, recover after.

Disk-full cases mount a small tmpfs, so they run only as root where mounting works (else skipped).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_helpers import KEY, records, stray_files, tmpfs
from fault_helpers import DP, PLAIN, make_folder, spent

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit import AuditLog, verify_log

PAGE = 4096


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs mounted at ``tmp_path/tiny`` (skips where mounting is not allowed)."""
    yield from tmpfs(tmp_path / "tiny", "64k")


@pytest.fixture
def roomy(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs: room for the audit log's preflight (1 MiB free), until the test fills it."""
    yield from tmpfs(tmp_path / "roomy", "2m")


def fill(mount: Path, leave: int) -> Path:
    """Fill ``mount`` but ``leave`` bytes (whole pages)."""
    free = _free(mount)
    filler = mount / "filler"
    filler.write_bytes(b"\0" * (free - leave))
    assert _free(mount) == leave
    return filler


def _free(mount: Path) -> int:
    stat = os.statvfs(mount)
    return stat.f_bavail * stat.f_frsize


@pytest.mark.parametrize("policy", [PLAIN, DP], ids=["plain", "dp"])
def test_a_full_output_disk_is_an_output_error_and_spends_nothing(
    tmp_path: Path, tiny: Path, policy: str
) -> None:
    folder = make_folder(tmp_path / "f", policy, rows=20_000)  # ~1 MB of pseudonyms: more than 64 KiB
    target = tiny / "out.parquet"
    with pytest.raises(PrivprepError) as err:
        privprep.apply(folder.policy, folder.input, target, key=KEY, audit_log=folder.log)
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert "no space left" in str(err.value).lower()
    assert sorted(p.name for p in tiny.iterdir()) == [] and stray_files(tmp_path) == []
    outcome = [r for r in records(folder.log) if r["kind"] == "finished"][-1]["result"]
    assert outcome["reason_code"] == "output_failed" and outcome["failed_step"] == "write"
    assert spent(folder.ledger) == 0.0
    assert verify_log(AuditLog(folder.log)).ok


def test_an_audit_log_full_from_the_start_writes_nothing(tmp_path: Path, tiny: Path) -> None:
    folder = make_folder(tmp_path / "f", PLAIN)
    log = tiny / "audit.jsonl"
    fill(tiny, 0)
    with pytest.raises(PrivprepError) as err:
        privprep.apply(folder.policy, folder.input, folder.target, key=KEY, audit_log=log)
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert not folder.target.exists() and stray_files(tmp_path) == []


def test_an_audit_log_that_fills_up_before_the_finished_record_leaves_no_output(
    tmp_path: Path, roomy: Path
) -> None:
    """The started record fits, the finished one does not: the output is never renamed into place.

    The preflight sees room; the disk fills while the run writes (after its started record), leaving
    less than one page, too little for the finished record.
    """
    folder = make_folder(tmp_path / "f", PLAIN)
    log = roomy / "audit.jsonl"
    fillers: list[Path] = []

    def fill_while_writing(stage: str) -> None:
        if stage == "write":
            fillers.append(fill(roomy, 0))

    with pytest.raises(PrivprepError) as err:
        privprep.apply(
            folder.policy, folder.input, folder.target, key=KEY, audit_log=log, on_stage=fill_while_writing
        )
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert "audit log" in str(err.value)
    assert not folder.target.exists() and stray_files(tmp_path) == []
    started = json.loads(log.read_text().splitlines()[0])
    assert started["kind"] == "started"  # what remains says a run began and never finished
    [filler] = fillers
    filler.unlink()
    result = privprep.apply(folder.policy, folder.input, folder.target, key=KEY, audit_log=log)
    assert result.record["result"]["status"] == "success" and folder.target.exists()


def test_a_torn_log_tail_before_a_run(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, PLAIN)
    privprep.apply(folder.policy, folder.input, folder.target, key=KEY, audit_log=folder.log)
    with folder.log.open("a") as fh:
        fh.write('{"kind": "started", "run_id": "torn')  # a crash mid-append
    result = privprep.apply(
        folder.policy, folder.input, tmp_path / "b.parquet", key=KEY, audit_log=folder.log
    )
    assert result.record["result"]["status"] == "success"
    assert any(r.get("kind") == "recovery" for r in AuditLog(folder.log).records())
