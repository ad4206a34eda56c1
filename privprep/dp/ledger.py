"""Persistent privacy-budget ledger in SQLite: reserve before touching data, never overspend.

A dataset's budget is identified by its name (``aggregates.dataset`` or the policy name); the
privacy unit and the totals are pinned by the first reservation, and a later run that states
another unit or other totals is refused, so editing the policy cannot reset a budget.

Each spend moves through ``reserved`` (no output has left privprep) → ``released`` (noisy
values handed to the caller) → ``committed``; or to ``rolled_back``. Every state but
``rolled_back`` counts as spent. Reservations are made with ``BEGIN IMMEDIATE``, so concurrent
processes are serialized and can never overspend together. Sums are exact: each ε and δ counts
as the decimal written in the policy (``0.1 + 0.2`` fits a budget of ``0.3``), and every
measurement spends slightly less than its float (see ``query._resolve``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from privprep.dp.owner import Owner, current_owner
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.policy.aggregates import Budget

ACTIVE = ("reserved", "released", "committed")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS budgets (
  dataset TEXT PRIMARY KEY, unit TEXT NOT NULL,
  epsilon REAL NOT NULL, delta REAL NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spends (
  id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL REFERENCES budgets(dataset),
  run_id TEXT NOT NULL, release TEXT NOT NULL, epsilon REAL NOT NULL, delta REAL NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reserved', 'released', 'committed', 'rolled_back')),
  host TEXT NOT NULL, pid INTEGER NOT NULL, pid_start TEXT,
  created_at TEXT NOT NULL, resolved_at TEXT, note TEXT);
CREATE INDEX IF NOT EXISTS spends_dataset ON spends (dataset, state);
"""


@dataclass(frozen=True)
class Balance:
    """A dataset's totals and what is spent (pending reservations included)."""

    epsilon_total: float
    delta_total: float
    epsilon_spent: Fraction
    delta_spent: Fraction

    @property
    def epsilon_remaining(self) -> float:
        return float(_exact(self.epsilon_total) - self.epsilon_spent)

    @property
    def delta_remaining(self) -> float:
        return float(_exact(self.delta_total) - self.delta_spent)


def _exact(value: float) -> Fraction:
    """The decimal a policy wrote (``repr`` of a float is its shortest round-tripping decimal)."""
    return Fraction(repr(float(value)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Ledger:
    """One SQLite file; every method is one short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                _reap_stale(conn)
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def reserve(
        self, dataset: str, unit: str, budget: Budget, run_id: str, costs: list[tuple[str, float, float]]
    ) -> list[int]:
        """Reserve every ``(release, ε, δ)`` at once, or fail with BUDGET_EXCEEDED and reserve nothing."""
        owner = current_owner()
        with self._transaction() as conn:
            _pin(conn, dataset, unit, budget)
            balance = _balance(conn, dataset)
            want_e = sum((_exact(e) for _, e, _ in costs), Fraction(0))
            want_d = sum((_exact(d) for _, _, d in costs), Fraction(0))
            over_e = balance.epsilon_spent + want_e > _exact(budget.epsilon)
            if over_e or balance.delta_spent + want_d > _exact(budget.delta):
                raise _exceeded(dataset, budget, balance, want_e, want_d, len(costs))
            return [_insert(conn, dataset, run_id, name, e, d, owner) for name, e, d in costs]

    def mark_released(self, ids: list[int]) -> Balance:
        """Noisy values are about to leave privprep: from now on they count even if the run fails."""
        return self._move(ids, [("reserved", "released", None)])

    def commit(self, ids: list[int]) -> Balance:
        return self._move(ids, [("released", "committed", None)])

    def rollback(self, ids: list[int]) -> None:
        """Free what never left privprep; what was released stays spent (it may have been written)."""
        self._move(
            ids,
            [
                ("reserved", "rolled_back", "run failed before releasing"),
                ("released", "committed", "run failed after releasing; counted as spent"),
            ],
        )

    def _move(self, ids: list[int], moves: list[tuple[str, str, str | None]]) -> Balance:
        marks = ",".join("?" * len(ids))
        with self._transaction() as conn:
            for old, new, note in moves:
                conn.execute(
                    f"UPDATE spends SET state = ?, resolved_at = ?, note = COALESCE(?, note)"
                    f" WHERE state = ? AND id IN ({marks})",
                    (new, _now(), note, old, *ids),
                )
            row = conn.execute(f"SELECT dataset FROM spends WHERE id IN ({marks}) LIMIT 1", ids).fetchone()
            return _balance(conn, row[0])

    def balances(self, dataset: str | None = None) -> list[tuple[str, str, Balance, list[sqlite3.Row]]]:
        """Every dataset's (name, unit, balance, entries), oldest entry first."""
        if not self.path.exists():
            raise fail(ReasonCode.INPUT_NOT_FOUND, f"no budget ledger at {self.path}")
        with self._transaction() as conn:
            conn.row_factory = sqlite3.Row
            names = [r[0] for r in conn.execute("SELECT dataset FROM budgets ORDER BY dataset")]
            if dataset is not None and dataset not in names:
                known = ", ".join(names) or "none"
                raise fail(ReasonCode.INPUT_NOT_FOUND, f"no budget for dataset {dataset!r}; known: {known}")
            out = []
            for name in [dataset] if dataset is not None else names:
                unit = conn.execute("SELECT unit FROM budgets WHERE dataset = ?", (name,)).fetchone()[0]
                rows = conn.execute("SELECT * FROM spends WHERE dataset = ? ORDER BY id", (name,)).fetchall()
                out.append((name, unit, _balance(conn, name), rows))
            return out


def _f(value: Fraction | float) -> str:
    return f"{float(value):.6g}"


def _exceeded(
    dataset: str, budget: Budget, balance: Balance, want_e: Fraction, want_d: Fraction, n: int
) -> PrivprepError:
    return fail(
        ReasonCode.BUDGET_EXCEEDED,
        f"privacy budget of dataset {dataset!r} is insufficient: spent ε={_f(balance.epsilon_spent)}"
        f" δ={_f(balance.delta_spent)}, requested ε={_f(want_e)} δ={_f(want_d)} by {n} release(s),"
        f" remaining ε={_f(balance.epsilon_remaining)} δ={_f(balance.delta_remaining)}"
        f" of ε={budget.epsilon:g} δ={budget.delta:g}; nothing was released or spent",
        dataset=dataset,
        epsilon_spent=float(balance.epsilon_spent),
        epsilon_requested=float(want_e),
        epsilon_remaining=balance.epsilon_remaining,
    )


def _pin(conn: sqlite3.Connection, dataset: str, unit: str, budget: Budget) -> None:
    """First use pins unit and totals; later runs must state the same ones."""
    row = conn.execute("SELECT unit, epsilon, delta FROM budgets WHERE dataset = ?", (dataset,)).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO budgets VALUES (?, ?, ?, ?, ?)",
            (dataset, unit, budget.epsilon, budget.delta, _now()),
        )
        return
    if (row[0], row[1], row[2]) != (unit, budget.epsilon, budget.delta):
        raise fail(
            ReasonCode.DP_INVALID,
            f"the budget ledger pins dataset {dataset!r} to privacy unit {row[0]} with ε={row[1]:g}"
            f" δ={row[2]:g}; the policy states {unit} with ε={budget.epsilon:g} δ={budget.delta:g}."
            " A budget cannot be changed once used: restore those values, or name a new dataset"
            " (aggregates.dataset) only if it truly holds different people's data",
        )


def _balance(conn: sqlite3.Connection, dataset: str) -> Balance:
    total = conn.execute("SELECT epsilon, delta FROM budgets WHERE dataset = ?", (dataset,)).fetchone()
    spent = conn.execute(
        "SELECT epsilon, delta FROM spends WHERE dataset = ? AND state IN (?, ?, ?)", (dataset, *ACTIVE)
    ).fetchall()
    return Balance(
        total[0],
        total[1],
        sum((_exact(e) for e, _ in spent), Fraction(0)),
        sum((_exact(d) for _, d in spent), Fraction(0)),
    )


def _insert(
    conn: sqlite3.Connection, dataset: str, run_id: str, name: str, eps: float, delta: float, owner: Owner
) -> int:
    cur = conn.execute(
        "INSERT INTO spends (dataset, run_id, release, epsilon, delta, state, host, pid, pid_start,"
        " created_at) VALUES (?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?)",
        (dataset, run_id, name, eps, delta, owner.host, owner.pid, owner.start, _now()),
    )
    return int(cur.lastrowid or 0)


def _reap_stale(conn: sqlite3.Connection) -> None:
    """Resolve spends whose owning process died: unreleased ones are freed, released ones stay spent."""
    rows = conn.execute(
        "SELECT id, state, host, pid, pid_start FROM spends WHERE state IN ('reserved', 'released')"
    ).fetchall()
    for spend_id, state, host, pid, start in rows:
        if Owner(host, pid, start).alive():
            continue
        new, note = (
            ("rolled_back", "owner process died before releasing")
            if state == "reserved"
            else ("committed", "owner process died after releasing; counted as spent")
        )
        conn.execute(
            "UPDATE spends SET state = ?, resolved_at = ?, note = ? WHERE id = ?",
            (new, _now(), note, spend_id),
        )
