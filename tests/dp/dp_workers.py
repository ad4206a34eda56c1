"""Process entry points for the multi-process budget tests (importable under ``spawn``)."""

from __future__ import annotations

import random
import time
from multiprocessing.connection import Connection
from pathlib import Path

import polars as pl
from dp_helpers import keyed, release, spec

from privprep.dp import DPRun
from privprep.errors import PrivprepError, ReasonCode

BUDGET = 3.0


def _spec(epsilon: float):
    return spec(release(epsilon=epsilon), budget={"epsilon": BUDGET, "delta": 0.0})


def spend(ledger: str, data: str, seed: int, rounds: int, out: Connection) -> None:
    """Request random ε repeatedly; some runs fail after reserving. Reports each commit on ``out``.

    Each worker has its own pipe: a process killed while writing to a shared queue would leave
    the queue's lock held and hang the others.
    """
    rng = random.Random(seed)
    lf = pl.scan_parquet(data)
    committed = 0.0
    for i in range(rounds):
        eps = rng.choice([0.05, 0.1, 0.15, 0.2, 0.3])
        try:
            run = DPRun.prepare(
                _spec(eps),
                lf,
                dataset="shared",
                ledger_path=Path(ledger),
                run_id=f"{seed}-{i}",
                **keyed(ledger),
            )
        except PrivprepError as exc:
            assert exc.code is ReasonCode.BUDGET_EXCEEDED
            continue
        if rng.random() < 0.25:
            run.rollback()  # a run failing after its reservation
            continue
        run.release()
        run.commit()
        committed += eps
        out.send(("committed", eps))
    out.send(("done", committed))


def hold(ledger: str, data: str, stage: str, out: Connection) -> None:
    """Reserve (and release, if ``stage`` says so), report, then wait to be killed."""
    run = DPRun.prepare(
        _spec(1.0), pl.scan_parquet(data), dataset="shared", ledger_path=Path(ledger), run_id=stage,
        **keyed(ledger),
    )  # fmt: skip
    if stage == "released":
        run.release()
    out.send(stage)
    time.sleep(120)
