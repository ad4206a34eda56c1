"""Concurrent runs appending to one audit log lose nothing and keep the chain valid (file lock)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

from core_helpers import KEY, records

PROCESSES, RUNS, APPENDS = 6, 3, 10
POLICY = "version: 1\nname: concurrent\ncolumns:\n  id: pseudonymize\n  n: keep\nunlisted: fail\n"


def worker(index: int, folder: str, start: Any) -> None:
    """Wait for every process, then apply the policy RUNS times and append APPENDS bare signed records."""
    import polars as pl

    import privprep
    from privprep.audit import AuditLog
    from privprep.audit.chain import digest
    from privprep.audit.sign import Signer
    from privprep.keys import MasterKey

    policy = privprep.parse_policy(POLICY)
    log = Path(folder) / "audit.jsonl"
    start.wait()
    for run in range(RUNS):
        frame = pl.DataFrame({"id": [f"p{index}-r{run}-{i}" for i in range(50)], "n": list(range(50))})
        privprep.apply(policy, frame, Path(folder) / f"out-{index}-{run}.parquet", key=KEY, audit_log=log)
    signed = AuditLog(log, Signer.from_master(MasterKey(KEY.encode())))
    for i in range(APPENDS):
        header = {"run_id": f"bare-{index}-{i}"}
        bare = {"kind": "finished", "run_id": header["run_id"], "header": header}
        signed.append(bare | {"header_sha256": digest(header), "result": {"status": "failed"}})


def test_concurrent_runs_lose_no_record(tmp_path: Path) -> None:
    from privprep.audit import AuditLog, verify_log

    # forkserver: children fork from a fresh server (never from this process, whose Polars threads
    # could deadlock a fork); preloading the imports there keeps the test fast
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["privprep.engine", __name__])
    start = ctx.Barrier(PROCESSES)
    procs = [ctx.Process(target=worker, args=(i, str(tmp_path), start)) for i in range(PROCESSES)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * PROCESSES

    rows = records(tmp_path / "audit.jsonl")
    runs = [r for r in rows if r["kind"] == "finished" and not r["run_id"].startswith("bare-")]
    # each run wrote a started and a finished record; each bare append one record
    assert len(runs) == PROCESSES * RUNS and len(rows) == PROCESSES * (2 * RUNS + APPENDS)
    assert all(r["result"]["status"] == "success" for r in runs)
    assert len({(r["run_id"], r["kind"]) for r in rows}) == len(rows)
    result = verify_log(AuditLog(tmp_path / "audit.jsonl"))
    assert result.ok, result.problems
    assert result.outputs_checked == PROCESSES * RUNS
