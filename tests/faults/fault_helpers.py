"""What the fault-injection tests share: two policies, a run under a fault, and the invariant.

The invariant after any fault: either the run's output is complete and audited (a ``finished``
success record whose fingerprint matches the file at the target), or there is no output at the
target and no budget was spent, except where the DP measurement had already run (its noise was
drawn: counted as spent, never released).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from core_helpers import records, stray_files

from privprep.audit import AuditLog, verify_log

PLAIN = (
    "version: 1\nname: plain\ncolumns:\n  id: pseudonymize\n  region: keep\n  salary: keep\nunlisted: fail\n"
)
DP = PLAIN.replace("name: plain", "name: dp") + (
    "aggregates:\n"
    "  dataset: faults\n"
    "  privacy_unit: {column: id, max_rows: 1}\n"
    "  budget: {epsilon: 1.0}\n"
    "  releases:\n"
    "    - name: by_region\n"
    "      epsilon: 0.3\n"
    "      group_by: [region]\n"
    "      keys: [north, south]\n"
    "      metrics: [count]\n"
)
DP += "checks:\n  k_anonymity: {quasi_identifiers: [region], k: 2}\n"
DETECT = "version: 1\nname: detect\ncolumns:\n  id: pseudonymize\nunlisted: keep\n"  # scans the rest
RELEASE_EPSILON = 0.3


def frame(rows: int = 200) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"person-{i:06d}" for i in range(rows)],
            "region": ["north" if i % 3 else "south" for i in range(rows)],
            "salary": [1000 + i for i in range(rows)],
        }
    )


@dataclass
class Folder:
    """One case's files: input, policy, target, audit log, ledger."""

    path: Path

    @property
    def input(self) -> Path:
        return self.path / "in.parquet"

    @property
    def policy(self) -> Path:
        return self.path / "policy.yaml"

    @property
    def target(self) -> Path:
        return self.path / "out" / "out.parquet"

    @property
    def log(self) -> Path:
        return self.path / "audit.jsonl"

    @property
    def ledger(self) -> Path:
        return self.path / "privprep-budget.sqlite"


def make_folder(path: Path, policy: str, rows: int = 200) -> Folder:
    path.mkdir(parents=True, exist_ok=True)
    folder = Folder(path)
    frame(rows).write_parquet(folder.input)
    folder.policy.write_text(policy)
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def spent(ledger: Path, run_id: str | None = None) -> float:
    """ε the ledger counts as spent (every state but rolled_back), for one run or all."""
    if not ledger.exists():
        return 0.0
    query = "SELECT COALESCE(SUM(epsilon), 0) FROM spends WHERE state != 'rolled_back'"
    args: tuple[Any, ...] = ()
    if run_id is not None:
        query, args = query + " AND run_id = ?", (run_id,)
    with sqlite3.connect(ledger) as conn:
        return float(conn.execute(query, args).fetchone()[0])


def run_of(log: Path, exclude: set[str]) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """The run id of the one run not in ``exclude`` and its records by kind (``started``, ``finished``)."""
    kinds: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records(log) if log.exists() else []:
        if record.get("run_id") and record["run_id"] not in exclude:
            kinds.setdefault(record["run_id"], {})[record.get("kind", "finished")] = record
    assert len(kinds) <= 1, f"expected at most one new run, found {sorted(kinds)}"
    return next(iter(kinds.items()), (None, {}))


def check_invariant(
    folder: Folder, run_id: str | None, kinds: dict[str, dict[str, Any]], noise_drawn: bool
) -> str:
    """Assert the invariant for the run ``run_id`` after recovery; returns which side of it held."""
    finished = kinds.get("finished")
    intent = (kinds.get("started") or {}).get("intent") or {"outputs": []}
    targets = [Path(p["path"]) for p in intent["outputs"]]
    assert stray_files(folder.path) == [], "a temp file outlived recovery"
    if finished is not None and finished["result"]["status"] == "success":
        output = finished["result"]["output"]
        assert folder.target.is_file() and sha256(folder.target) == output["sha256"]
        assert all(t.is_file() for t in targets)
        return "complete"
    assert not folder.target.exists() and not any(t.exists() for t in targets)
    if run_id is not None and not noise_drawn:
        assert spent(folder.ledger, run_id) == 0.0, "a run that published nothing spent budget"
    return "nothing"


def verify_problems(log: Path, killed: str | None) -> list[str]:
    """Problems ``audit verify`` reports that are not about the killed run (which it may flag)."""
    result = verify_log(AuditLog(log))
    return [p for p in result.problems if killed is None or killed not in p]


def finished_runs(log: Path) -> list[dict[str, Any]]:
    return [r for r in records(log) if r.get("kind") == "finished"]


def dump(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)
