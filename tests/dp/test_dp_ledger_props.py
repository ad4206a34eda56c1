"""Hypothesis: under any sequence of reserve / release / commit / rollback / tamper, nothing is overspent.

The audit log is simulated by the committed spends (what finished records would hold). Until the
ledger is tampered with, it grants exactly what fits in the total, in decimals; after any effective
tamper (an edited row, a deleted row, a raised total, the file deleted), it grants nothing.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from dp_helpers import KEY
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.dp.history import History, KnownRelease
from privprep.dp.ledger import Ledger
from privprep.errors import PrivprepError, ReasonCode
from privprep.policy.aggregates import Budget

TAMPERS = {
    "state": "UPDATE spends SET state = 'rolled_back' WHERE id = (SELECT max(id) FROM spends"
    " WHERE state != 'rolled_back')",
    "epsilon": "UPDATE spends SET epsilon = epsilon / 2 WHERE id = (SELECT min(id) FROM spends)",
    "delete": "DELETE FROM spends WHERE id = (SELECT max(id) FROM spends)",
    "total": "UPDATE budgets SET epsilon = epsilon * 2",
    "seal": "DELETE FROM meta",
}
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("reserve"), st.floats(0.01, 0.6)),
        st.tuples(st.sampled_from(["release", "commit", "rollback"]), st.integers(0, 30)),
        st.tuples(st.just("tamper"), st.sampled_from([*TAMPERS, "wipe"])),
    ),
    max_size=16,
)
BUDGET = Budget(epsilon=1.0)


@dataclass
class Spend:
    ids: list[int]
    run_id: str
    epsilon: float
    state: str = "reserved"


def _tamper(path: Path, kind: str, audited: bool) -> bool:
    """Apply one tamper; True when it changed the ledger in a way the ledger can prove."""
    if kind == "wipe":
        if not audited:  # without an audited spend a deleted ledger is a fresh one (see docs/dp.md)
            return False
        path.unlink()
        return True
    with closing(sqlite3.connect(path)) as conn:
        try:
            conn.execute(TAMPERS[kind])
        except sqlite3.OperationalError:  # a file a refused run left without tables: nothing to edit
            return False
        conn.commit()
        return conn.total_changes > 0


@settings(max_examples=60, deadline=None)
@given(OPS)
def test_ledger_invariant_under_tampering(tmp_path_factory: pytest.TempPathFactory, ops: list) -> None:
    path = tmp_path_factory.mktemp("ledger") / "l.sqlite"
    ledger = Ledger(path, KEY)
    spends: list[Spend] = []
    audit: list[KnownRelease] = []
    tampered = False
    for number, (op, arg) in enumerate(ops):
        spent = sum((Fraction(repr(s.epsilon)) for s in spends if s.state != "rolled_back"), Fraction(0))
        if op == "tamper":
            if path.exists():
                tampered = _tamper(path, arg, bool(audit)) or tampered
            continue
        if op == "reserve":
            history = History("simulated", releases=list(audit))
            try:
                ids = ledger.reserve("d", "rows=1", BUDGET, f"r{number}", [("a", arg, 0.0)], history=history)
            except PrivprepError as exc:
                expected = ReasonCode.AUDIT_INVALID if tampered else ReasonCode.BUDGET_EXCEEDED
                assert exc.code is expected
                assert tampered or spent + Fraction(repr(arg)) > 1
                continue
            assert not tampered, "a tampered ledger granted a reservation"
            assert spent + Fraction(repr(arg)) <= 1
            spends.append(Spend(ids, f"r{number}", arg))
            continue
        if not spends:
            continue
        spend = spends[arg % len(spends)]
        move = {"release": ("reserved",), "commit": ("released",), "rollback": ("reserved", "released")}
        if spend.state not in move[op]:
            continue
        try:
            if op == "release":
                ledger.mark_released(spend.ids)
            elif op == "commit":
                ledger.commit(spend.ids)
            else:
                ledger.rollback(spend.ids)
        except PrivprepError as exc:
            assert tampered and exc.code is ReasonCode.AUDIT_INVALID
            continue
        assert not tampered, "a tampered ledger accepted a write"
        spend.state = {"release": "released", "commit": "committed"}.get(op) or (
            "rolled_back" if spend.state == "reserved" else "committed"
        )
        if op == "commit":
            audit.append(KnownRelease(spend.run_id, "a", "d", spend.epsilon, 0.0, str(path), len(audit) + 1))
    if spends and not tampered:
        ((_, _, balance, rows),) = ledger.balances()
        expected = sum((Fraction(repr(s.epsilon)) for s in spends if s.state != "rolled_back"), Fraction(0))
        assert balance.epsilon_spent == expected <= 1
        assert [r["state"] for r in rows] == [s.state for s in spends]
