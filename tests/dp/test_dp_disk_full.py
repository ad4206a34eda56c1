"""The ledger on a full disk: a documented error (output_failed, exit 8), nothing reserved or spent.

Uses a real 256 KiB tmpfs, so it runs only as root (skipped otherwise).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_helpers import tmpfs
from dp_helpers import CRM_POLICY, KEY, customers, keyed, release, spec, write

from privprep.dp import DPRun, budget_summary
from privprep.errors import EXIT_CODES, PrivprepError, ReasonCode


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from tmpfs(tmp_path / "disk", "256k")


def _fill(folder: Path) -> Path:
    """Take every free byte of ``folder``'s file system."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as fh:
        while True:
            fh.write(b"\0" * 512)
    return filler


def _prepare(tmp_path: Path, ledger: Path, run_id: str) -> DPRun:
    aggs = spec(release(epsilon=1.0), budget={"epsilon": 3.0, "delta": 0.0})
    lf = write(customers(), tmp_path)
    return DPRun.prepare(aggs, lf, dataset="d", ledger_path=ledger, run_id=run_id, **keyed(ledger))


@pytest.mark.parametrize("history", [False, True], ids=["new-ledger", "ledger-with-spends"])
def test_full_disk_reserves_nothing(tmp_path: Path, small_disk: Path, history: bool) -> None:
    ledger = small_disk / "budget.sqlite"
    if history:
        first = _prepare(tmp_path, ledger, "before")
        first.release()
        first.commit()
    filler = _fill(small_disk)
    with pytest.raises(PrivprepError) as info:
        _prepare(tmp_path, ledger, "full")
    error = info.value
    assert error.code is ReasonCode.OUTPUT_FAILED and EXIT_CODES[error.code] == 8
    assert "disk is full" in str(error) and "nothing was reserved" in str(error)
    filler.unlink()
    if history:  # space is back: the ledger verifies and holds only the earlier spend
        (summary,) = budget_summary(ledger, key=KEY)
        assert [(e.run_id, e.state) for e in summary.entries] == [("before", "committed")]
        assert summary.epsilon_spent == 1.0
    else:
        assert not ledger.exists() or ledger.stat().st_size == 0 or not budget_summary(ledger, key=KEY)


def test_apply_with_the_ledger_on_a_full_disk_exits_8(tmp_path: Path, small_disk: Path, key: str) -> None:
    data, policy, out = tmp_path / "in.parquet", tmp_path / "policy.yaml", tmp_path / "out"
    customers().write_parquet(data)
    policy.write_text(CRM_POLICY % f"ledger: {small_disk / 'budget.sqlite'}")
    filler = _fill(small_disk)
    done = subprocess.run(
        [sys.executable, "-m", "privprep", "apply", str(policy), str(data), "-o", str(out / "main.parquet"),
         "--audit-log", str(tmp_path / "audit.jsonl")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 8, done.stderr
    assert "disk is full" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() or not any(out.iterdir())  # no output, no release
    filler.unlink()
    last = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert last["result"]["status"] == "failed" and last["result"]["reason_code"] == "output_failed"
