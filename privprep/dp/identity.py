"""Which budget a reservation draws on, and proof that the ledger holds everything the audit log knows.

* The first reservation of a dataset pins its privacy unit and totals (:func:`pin`).
* An input file (its sha256) belongs to the first dataset that released from it, in the ledger and
  in the audit log (:func:`bind_input`): a new dataset name for the same bytes is refused.
* Every release a finished audit record holds must be in the ledger (:func:`check_history`): a
  deleted, replaced, restored or other ledger is refused instead of starting a fresh budget.
"""

from __future__ import annotations

import sqlite3
from fractions import Fraction
from pathlib import Path

from privprep.dp.history import History
from privprep.dp.seal import ACTIVE, LedgerSeal, exact, now, read_row
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.policy.aggregates import Budget


def pin(conn: sqlite3.Connection, seal: LedgerSeal, dataset: str, unit: str, budget: Budget) -> None:
    """The first spend pins unit and totals; later runs must state the same ones.

    Until something counts as spent (only rolled-back reservations, from runs that failed before
    releasing) the policy may still correct them: changing them then resets nothing.
    """
    row = read_row(conn, "budgets", dataset)
    stated = {"unit": unit, "epsilon": float(budget.epsilon), "delta": float(budget.delta)}
    if row and (row["unit"], row["epsilon"], row["delta"]) == tuple(stated.values()):
        return
    if not row or not _spent(conn, dataset):
        seal.put(conn, "budgets", {"dataset": dataset, **stated, "created_at": row.get("created_at", now())})
        return
    raise fail(
        ReasonCode.DP_INVALID,
        f"the budget ledger pins dataset {dataset!r} to privacy unit {row['unit']} with"
        f" ε={row['epsilon']:g} δ={row['delta']:g}; the policy states {unit} with ε={budget.epsilon:g}"
        f" δ={budget.delta:g}. A budget cannot be changed once used: restore those values, or name a"
        " new dataset (aggregates.dataset) only if it truly holds different people's data",
    )


def _spent(conn: sqlite3.Connection, dataset: str) -> bool:
    """Whether anything of ``dataset`` counts as spent."""
    query = "SELECT 1 FROM spends WHERE dataset = ? AND state IN (?, ?, ?) LIMIT 1"
    return conn.execute(query, (dataset, *ACTIVE)).fetchone() is not None


def _renamed(sha: str, other: str, dataset: str, where: str) -> PrivprepError:
    return fail(
        ReasonCode.DP_INVALID,
        f"input sha256:{sha[:16]} already spent privacy budget under dataset {other!r} ({where}); this"
        f" run names dataset {dataset!r}. A budget belongs to the data, not to a name: set"
        f" aggregates.dataset: {other}",
    )


def bind_input(
    conn: sqlite3.Connection, seal: LedgerSeal, dataset: str, run_id: str, sha: str | None,
    history: History | None,
) -> None:  # fmt: skip
    """The input's bytes belong to the first dataset that spent budget on them."""
    if sha is None:
        return
    if history is not None and history.renamed:
        first = history.renamed[0]
        raise _renamed(sha, first.dataset, dataset, f"audit log {history.log}, record {first.record}")
    row = read_row(conn, "inputs", sha)
    if row and row["dataset"] != dataset and _spent(conn, row["dataset"]):
        raise _renamed(sha, row["dataset"], dataset, "the budget ledger")
    if row.get("dataset") != dataset:  # new, or bound by runs that all failed before releasing
        seal.put(conn, "inputs", {"sha256": sha, "dataset": dataset, "run_id": run_id, "created_at": now()})


def check_history(conn: sqlite3.Connection, path: Path, dataset: str, history: History) -> None:
    """Refuse a ledger lacking any release the audit log knows (at the ε the log states, or more)."""
    held = {
        (r[0], r[1]): r[2]
        for r in conn.execute(
            "SELECT run_id, release, epsilon FROM spends WHERE dataset = ? AND state IN (?, ?, ?)",
            (dataset, *ACTIVE),
        )
    }
    missing = [k for k in history.releases if held.get((k.run_id, k.name), -1.0) < k.epsilon]
    if not missing:
        return
    epsilon = sum((exact(k.epsilon) for k in missing), Fraction(0))
    elsewhere = sorted({k.ledger for k in missing if k.ledger and Path(k.ledger) != path})
    hint = f" They were recorded in {', '.join(elsewhere)}." if elsewhere else ""
    raise fail(
        ReasonCode.AUDIT_INVALID,
        f"the audit log {history.log} records {len(missing)} DP release(s) of dataset {dataset!r}"
        f" (ε={float(epsilon):.6g}, first in record {missing[0].record}) that the budget ledger {path}"
        f" does not hold: the ledger was deleted, replaced by an older copy, edited, or is another one.{hint}"
        " privprep never starts a fresh budget for releases the audit log knows; restore that ledger",
    )
