"""Persistent privacy-budget ledger in SQLite: reserve before touching data, never overspend, never reset.

A budget belongs to a dataset name (``aggregates.dataset`` or the policy name) and to every input
file (sha256) released under it; the privacy unit and the totals are pinned by the first
reservation, and a later run that states another unit, other totals or another name for the same
input is refused, so editing the policy cannot reset a budget.

Every row is MACed and the ledger as a whole is sealed (:mod:`privprep.dp.seal`); each reservation
first checks that the ledger holds every release the audit log knows (:mod:`privprep.dp.history`).
Each spend moves through ``reserved`` → ``released`` → ``committed``, or to ``rolled_back``; every
state but ``rolled_back`` counts as spent. ``BEGIN IMMEDIATE`` serializes concurrent processes.
Sums are exact: each ε and δ counts as the decimal written in the policy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from privprep import locations
from privprep.dp.history import History
from privprep.dp.identity import bind_input, check_history, pin
from privprep.dp.owner import Owner, current_owner
from privprep.dp.seal import ACTIVE, LedgerSeal, exact, now, read_row
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.aggregates import AggregatesSpec, Budget

LEDGER_NAME = locations.LEDGER_NAME
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS budgets (
  dataset TEXT PRIMARY KEY, unit TEXT NOT NULL,
  epsilon REAL NOT NULL, delta REAL NOT NULL, created_at TEXT NOT NULL, mac TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (
  sha256 TEXT PRIMARY KEY, dataset TEXT NOT NULL, run_id TEXT NOT NULL, created_at TEXT NOT NULL,
  mac TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spends (
  id INTEGER PRIMARY KEY, dataset TEXT NOT NULL REFERENCES budgets(dataset),
  run_id TEXT NOT NULL, release TEXT NOT NULL, epsilon REAL NOT NULL, delta REAL NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('reserved', 'released', 'committed', 'rolled_back')),
  host TEXT NOT NULL, pid INTEGER NOT NULL, pid_start TEXT,
  created_at TEXT NOT NULL, resolved_at TEXT, note TEXT, mac TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS spends_dataset ON spends (dataset, state);
"""
_FULL = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED")


def ledger_location(spec: AggregatesSpec, input_path: Path | None, log_path: Path) -> Path:
    """The rule of :mod:`privprep.locations`: ``aggregates.ledger``, ``$PRIVPREP_HOME``, else beside the
    input file (the budget follows the data, not the audit log), or (an in-memory input) the audit log."""
    beside = input_path.parent if input_path is not None else log_path.parent
    return locations.ledger_location(None, policy_setting=spec.ledger, beside=beside).path


@dataclass(frozen=True)
class Balance:
    """A dataset's totals and what is spent (pending reservations included)."""

    epsilon_total: float
    delta_total: float
    epsilon_spent: Fraction
    delta_spent: Fraction

    @property
    def epsilon_remaining(self) -> float:
        return float(exact(self.epsilon_total) - self.epsilon_spent)

    @property
    def delta_remaining(self) -> float:
        return float(exact(self.delta_total) - self.delta_spent)


class Ledger:
    """One SQLite file; every method is one short transaction. Without ``key`` it can only be read,
    unverified (``privprep budget show`` without the key)."""

    def __init__(self, path: Path, key: MasterKey | None = None) -> None:
        self.path = Path(path)
        self._seal = LedgerSeal(key, str(self.path)) if key is not None else None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error(self.path, exc) from None
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                if self._seal is not None:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    self._seal.verify(conn)
                    _reap_stale(conn, self._seal)
                yield conn
                if self._seal is not None:
                    self._seal.reseal(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _storage_error(self.path, exc) from None
        finally:
            conn.close()

    def _writer(self) -> LedgerSeal:
        if self._seal is None:
            raise fail(ReasonCode.KEY_MISSING, "the budget ledger can only be written with the master key")
        return self._seal

    def reserve(
        self, dataset: str, unit: str, budget: Budget, run_id: str, costs: list[tuple[str, float, float]],
        *, history: History | None = None, input_sha256: str | None = None,
    ) -> list[int]:  # fmt: skip
        """Reserve every ``(release, ε, δ)`` at once, or reserve nothing and raise.

        BUDGET_EXCEEDED when the total does not fit; DP_INVALID when the unit, the totals or the
        dataset name of this input differ from what is pinned; AUDIT_INVALID when the ledger fails
        verification or lacks a release that ``history`` (the audit log) knows.
        """
        seal, owner = self._writer(), current_owner()
        with self._transaction() as conn:
            pin(conn, seal, dataset, unit, budget)
            bind_input(conn, seal, dataset, run_id, input_sha256, history)
            if history is not None:
                check_history(conn, self.path, dataset, history)
            balance = _balance(conn, dataset)
            spent_e = max(balance.epsilon_spent, history.epsilon if history else Fraction(0))
            want_e = sum((exact(e) for _, e, _ in costs), Fraction(0))
            want_d = sum((exact(d) for _, _, d in costs), Fraction(0))
            over_e = spent_e + want_e > exact(budget.epsilon)
            if over_e or balance.delta_spent + want_d > exact(budget.delta):
                raise _exceeded(dataset, budget, balance, want_e, want_d, len(costs))
            return [_insert(conn, seal, dataset, run_id, name, e, d, owner) for name, e, d in costs]

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
        seal = self._writer()
        with self._transaction() as conn:
            rows = [read_row(conn, "spends", i) for i in ids]
            if not all(rows):  # the file was deleted or replaced while the run held reservations
                raise fail(
                    ReasonCode.AUDIT_INVALID,
                    f"the budget ledger {self.path} lost spend rows this run reserved (deleted or replaced)",
                )
            for row in rows:
                for old, new, note in moves:
                    if row["state"] == old:
                        change = {"state": new, "resolved_at": now(), "note": note or row["note"]}
                        seal.put(conn, "spends", row | change)
                        break
            return _balance(conn, rows[0]["dataset"])

    def balances(self, dataset: str | None = None) -> list[tuple[str, str, Balance, list[sqlite3.Row]]]:
        """Every dataset's (name, unit, balance, entries), oldest entry first; verified with the key."""
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

    def head(self) -> str:
        """The ledger's seal (changes with every write): anchor it elsewhere to detect a restored copy."""
        with self._transaction() as conn:
            found = conn.execute("SELECT value FROM meta WHERE name = 'seal'").fetchone()
            return found[0] if found else ""


def _storage_error(path: Path, exc: OSError | sqlite3.Error) -> PrivprepError:
    """A ledger that cannot be written (disk full, read-only, locked) or read (not a database)."""
    if isinstance(exc, OSError):
        return fail(ReasonCode.OUTPUT_FAILED, f"cannot create the budget ledger {path}: {exc.strerror}")
    name = getattr(exc, "sqlite_errorname", "SQLITE_ERROR")
    if name in _FULL:
        what = "the disk is full" if name == "SQLITE_FULL" else name.removeprefix("SQLITE_").lower()
        return fail(
            ReasonCode.OUTPUT_FAILED,
            f"cannot write the budget ledger {path} ({what}); nothing was reserved, released or spent",
        )
    message = f"the budget ledger {path} is not a readable privprep ledger ({name})"
    return fail(ReasonCode.AUDIT_INVALID, message)


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


def _balance(conn: sqlite3.Connection, dataset: str) -> Balance:
    total = conn.execute("SELECT epsilon, delta FROM budgets WHERE dataset = ?", (dataset,)).fetchone()
    spent = conn.execute(
        "SELECT epsilon, delta FROM spends WHERE dataset = ? AND state IN (?, ?, ?)", (dataset, *ACTIVE)
    ).fetchall()
    return Balance(
        total[0],
        total[1],
        sum((exact(e) for e, _ in spent), Fraction(0)),
        sum((exact(d) for _, d in spent), Fraction(0)),
    )


def _insert(
    conn: sqlite3.Connection, seal: LedgerSeal, dataset: str, run_id: str, name: str, eps: float,
    delta: float, owner: Owner,
) -> int:  # fmt: skip
    spend_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM spends").fetchone()[0]
    seal.put(conn, "spends", {
        "id": spend_id, "dataset": dataset, "run_id": run_id, "release": name, "epsilon": float(eps),
        "delta": float(delta), "state": "reserved", "host": owner.host, "pid": owner.pid,
        "pid_start": owner.start, "created_at": now(), "resolved_at": None, "note": None,
    })  # fmt: skip
    return int(spend_id)


def _reap_stale(conn: sqlite3.Connection, seal: LedgerSeal) -> None:
    """Resolve spends whose owning process died: unreleased ones are freed, released ones stay spent."""
    ids = [r[0] for r in conn.execute("SELECT id FROM spends WHERE state IN ('reserved', 'released')")]
    for spend_id in ids:
        row = read_row(conn, "spends", spend_id)
        if Owner(row["host"], row["pid"], row["pid_start"]).alive():
            continue
        new, note = (
            ("rolled_back", "owner process died before releasing")
            if row["state"] == "reserved"
            else ("committed", "owner process died after releasing; counted as spent")
        )
        seal.put(conn, "spends", row | {"state": new, "resolved_at": now(), "note": note})
