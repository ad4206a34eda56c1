"""The privacy budget: reserved before data is touched, never overspent, by one or many processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from contextlib import closing
from fractions import Fraction
from multiprocessing.connection import wait
from pathlib import Path

import pytest
from dp_helpers import KEY, customers, keyed, release, spec, write
from dp_workers import BUDGET, hold, spend
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.dp import DPRun, budget_summary
from privprep.dp.ledger import Ledger
from privprep.errors import PrivprepError, ReasonCode
from privprep.policy.aggregates import Budget

SPAWN = multiprocessing.get_context("spawn")


def _prepare(tmp_path: Path, epsilon: float, budget: float = 1.0, **kw) -> DPRun:
    lf = kw.pop("lf") if "lf" in kw else write(customers(), tmp_path)
    aggs = spec(release(epsilon=epsilon), budget={"epsilon": budget, "delta": 0.0}, **kw)
    ledger = tmp_path / "l.sqlite"
    return DPRun.prepare(aggs, lf, dataset="crm", ledger_path=ledger, run_id=f"e{epsilon}", **keyed(ledger))


def _states(tmp_path: Path) -> list[tuple[str, float]]:
    with closing(sqlite3.connect(tmp_path / "l.sqlite")) as conn:
        return conn.execute("SELECT state, epsilon FROM spends ORDER BY id").fetchall()


def test_exhausted_budget_fails_clearly_and_spends_nothing(tmp_path: Path) -> None:
    run = _prepare(tmp_path, 0.6)
    run.release()
    run.commit()
    with pytest.raises(PrivprepError) as info:
        _prepare(tmp_path, 0.5)
    assert info.value.code is ReasonCode.BUDGET_EXCEEDED
    message = str(info.value)
    assert "spent ε=0.6" in message and "requested ε=0.5" in message and "remaining ε=0.4" in message
    assert _states(tmp_path) == [("committed", 0.6)]


def test_pending_reservation_counts_until_rolled_back(tmp_path: Path) -> None:
    pending = _prepare(tmp_path, 0.7)
    with pytest.raises(PrivprepError):
        _prepare(tmp_path, 0.7)
    pending.rollback()
    _prepare(tmp_path, 0.7).rollback()
    assert [s for s, _ in _states(tmp_path)] == ["rolled_back", "rolled_back"]


def test_failing_release_spends_nothing(tmp_path: Path) -> None:
    lf = write(customers(), tmp_path)
    run = _prepare(tmp_path, 0.5, lf=lf)  # reads the schema only
    (tmp_path / "data.parquet").unlink()
    with pytest.raises(Exception):  # noqa: B017 - whatever Polars raises for the vanished file
        run.release()
    run.rollback()
    (summary,) = budget_summary(tmp_path / "l.sqlite", key=KEY)
    assert summary.epsilon_spent == 0 and summary.entries[0].state == "rolled_back"


def test_rollback_after_release_keeps_the_spend(tmp_path: Path) -> None:
    run = _prepare(tmp_path, 0.5)
    run.release()
    run.rollback()  # the noisy values left privprep: they may have been written or seen
    (summary,) = budget_summary(tmp_path / "l.sqlite", key=KEY)
    assert summary.epsilon_spent == 0.5 and summary.entries[0].note.startswith("run failed after releasing")


@pytest.mark.parametrize(
    "change",
    [{"privacy_unit": {"column": "customer_id", "max_rows": 4}}, {"budget": {"epsilon": 5.0, "delta": 0.0}}],
    ids=["unit", "total"],
)
def test_budget_identity_is_pinned(tmp_path: Path, change: dict) -> None:
    spent = _prepare(tmp_path, 0.1)  # pinned by a spend (a rolled-back reservation no longer pins)
    spent.release()
    spent.commit()
    aggs = spec(release(epsilon=0.1), **({"budget": {"epsilon": 1.0, "delta": 0.0}} | change))
    with pytest.raises(PrivprepError) as info:
        DPRun.prepare(
            aggs, write(customers(), tmp_path), dataset="crm", ledger_path=tmp_path / "l.sqlite", run_id="x",
            **keyed(tmp_path / "l.sqlite"),
        )  # fmt: skip
    assert info.value.code is ReasonCode.DP_INVALID and "cannot be changed" in str(info.value)


def test_failed_run_pins_nothing(tmp_path: Path) -> None:
    """A run that failed before releasing spent nothing: the corrected policy is accepted."""
    _prepare(tmp_path, 0.1).rollback()
    aggs = spec(release(epsilon=0.1), budget={"epsilon": 3.0, "delta": 0.0})
    ledger = tmp_path / "l.sqlite"
    DPRun.prepare(
        aggs, write(customers(), tmp_path), dataset="crm", ledger_path=ledger, run_id="y", **keyed(ledger)
    )
    (summary,) = budget_summary(ledger, key=KEY)
    assert summary.epsilon_total == 3.0 and summary.epsilon_spent == pytest.approx(0.1)


def test_decimal_accounting(tmp_path: Path) -> None:
    """0.1 + 0.2 fits a budget of 0.3 (as binary floats the sum would exceed it), but nothing more."""
    ledger = Ledger(tmp_path / "l.sqlite", KEY)
    budget = Budget(epsilon=0.3)
    ledger.reserve("d", "rows=1", budget, "r", [("a", 0.1, 0.0), ("b", 0.2, 0.0)])
    with pytest.raises(PrivprepError):
        ledger.reserve("d", "rows=1", budget, "r", [("c", 1e-12, 0.0)])
    ((_, _, balance, _),) = ledger.balances()
    assert balance.epsilon_spent == Fraction(3, 10) and balance.epsilon_remaining == 0


def test_budget_summary_errors(tmp_path: Path) -> None:
    with pytest.raises(PrivprepError) as info:
        budget_summary(tmp_path / "missing.sqlite")
    assert info.value.code is ReasonCode.INPUT_NOT_FOUND
    _prepare(tmp_path, 0.1).rollback()
    with pytest.raises(PrivprepError, match="known: crm"):
        budget_summary(tmp_path / "l.sqlite", dataset="other", key=KEY)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.01, 0.6), st.sampled_from(["commit", "rollback", "keep"])), max_size=12)
)
def test_ledger_never_exceeds_total(tmp_path_factory, ops) -> None:
    """Any sequence of reservations and their outcomes keeps spent ≤ total, exactly (in decimals)."""
    ledger = Ledger(tmp_path_factory.mktemp("ledger") / "l.sqlite", KEY)
    budget = Budget(epsilon=1.0)
    expected = Fraction(0)
    for eps, outcome in ops:
        fits = expected + Fraction(repr(eps)) <= 1
        try:
            ids = ledger.reserve("d", "rows=1", budget, "r", [("a", eps, 0.0)])
        except PrivprepError:
            assert not fits
            continue
        assert fits
        if outcome == "rollback":
            ledger.rollback(ids)
            continue
        expected += Fraction(repr(eps))
        if outcome == "commit":
            ledger.mark_released(ids)
            ledger.commit(ids)
    if ops:
        ((_, _, balance, _),) = ledger.balances()
        assert balance.epsilon_spent == expected <= 1


@pytest.mark.slow  # eight processes, 4 s
def test_concurrent_processes_never_overspend(tmp_path: Path) -> None:
    """8 processes race for ε=3; two are SIGKILLed mid-way. Committed never exceeds the budget."""
    data = str(tmp_path / "data.parquet")
    customers().write_parquet(data)
    ledger = str(tmp_path / "l.sqlite")
    pipes = [SPAWN.Pipe(duplex=False) for _ in range(8)]
    procs = [SPAWN.Process(target=spend, args=(ledger, data, seed, 10, pipes[seed][1])) for seed in range(8)]
    for p, (_, writer) in zip(procs, pipes, strict=True):
        p.start()
        writer.close()  # the child holds it now: its death reads as EOF
    readers = {pipes[seed][0]: seed for seed in range(8)}
    committed: dict[int, float] = {}
    while readers:
        ready = wait(list(readers), timeout=120)
        assert ready, "workers stopped reporting"
        for conn in ready:
            seed = readers[conn]
            try:
                kind, eps = conn.recv()
            except EOFError:  # killed
                del readers[conn]
                continue
            if kind == "done":
                del readers[conn]
            elif kind == "committed":
                committed[seed] = committed.get(seed, 0.0) + eps
                if seed in (0, 1):
                    os.kill(procs[seed].pid, signal.SIGKILL)  # killed somewhere after its first commit
    for p in procs:
        p.join(timeout=60)
    (summary,) = budget_summary(ledger, key=KEY)  # reaps the killed processes' reservations
    states = {e.state for e in summary.entries}
    assert "reserved" not in states and "released" not in states
    assert Fraction(summary.epsilon_spent) <= Fraction(BUDGET)
    spent = sum(Fraction(e.epsilon) for e in summary.entries if e.state == "committed")
    assert float(spent) == pytest.approx(summary.epsilon_spent)
    assert float(spent) >= sum(committed.values()) - 1e-9  # every reported commit is in the ledger
    assert summary.epsilon_spent > BUDGET - 0.3  # the budget was actually contended for
    with closing(sqlite3.connect(ledger)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize(("stage", "state"), [("reserved", "rolled_back"), ("released", "committed")])
def test_killed_process_leaves_ledger_consistent(tmp_path: Path, stage: str, state: str) -> None:
    """Killed before releasing: the reservation is freed. After: it stays spent."""
    data = str(tmp_path / "data.parquet")
    customers().write_parquet(data)
    ledger = str(tmp_path / "l.sqlite")
    reader, writer = SPAWN.Pipe(duplex=False)
    proc = SPAWN.Process(target=hold, args=(ledger, data, stage, writer))
    proc.start()
    assert reader.poll(60) and reader.recv() == stage
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=30)
    (summary,) = budget_summary(ledger, key=KEY)
    (entry,) = summary.entries
    assert entry.state == state and "owner process died" in (entry.note or "")
    assert summary.epsilon_spent == (1.0 if state == "committed" else 0.0)
