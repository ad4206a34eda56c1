"""A run's DP releases: resolve and reserve first, touch the data once, then commit or roll back.

``DPRun.prepare`` reads only the schema, checks the ledger against the audit log and reserves the
cost; ``release`` runs each measurement exactly once; ``commit`` follows once the tables are safely
written, ``rollback`` otherwise.
"""

from __future__ import annotations

import importlib.metadata
import time
from pathlib import Path

import opendp.prelude as dp
import polars as pl
from opendp.mod import GLOBAL_FEATURES

from privprep.audit.store import AuditLog
from privprep.dp.history import audit_history
from privprep.dp.ledger import Balance, Ledger
from privprep.dp.output import check_publishable, finish
from privprep.dp.query import PreparedRelease, prepare_release
from privprep.dp.records import ReleasedTable, ReleaseRecord
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.aggregates import AggregatesSpec

FEATURES = ["contrib"]
FORBIDDEN = ("honest-but-curious", "idealized-numerics")


def _enable_features() -> None:
    """Enable OpenDP's ``contrib`` only; refuse to run where weaker features are on in this process."""
    unsafe = sorted(set(FORBIDDEN) & set(GLOBAL_FEATURES))
    if unsafe:
        raise fail(
            ReasonCode.DP_INVALID,
            f"OpenDP features {', '.join(unsafe)} are enabled in this process; privprep releases only"
            " under 'contrib'",
        )
    dp.enable_features(*FEATURES)


class DPRun:
    """The DP part of one privprep run; ``warnings`` lists risky but allowed parameters."""

    def __init__(
        self, spec: AggregatesSpec, prepared: list[PreparedRelease], ledger: Ledger, ids: list[int],
        dataset: str, run_id: str,
    ) -> None:  # fmt: skip
        self.spec, self.prepared, self.ledger, self.ids = spec, prepared, ledger, ids
        self.dataset, self.run_id = dataset, run_id
        self.warnings: list[str] = [w for p in prepared for w in p.warnings]
        self._state = "reserved"
        self._released: list[ReleasedTable] = []

    @classmethod
    def prepare(
        cls, spec: AggregatesSpec, lf: pl.LazyFrame, *, dataset: str, ledger_path: Path, run_id: str,
        key: MasterKey, audit: AuditLog, input_sha256: str | None = None,
    ) -> DPRun:  # fmt: skip
        """Validate against ``lf``'s schema, resolve every release, reserve their total cost at once.

        ``key`` MACs the ledger; ``audit`` is the run's audit log, whose finished records must all be
        in the ledger; ``input_sha256`` (the input file's) binds the input to ``dataset``. Raises
        PrivprepError (BUDGET_EXCEEDED, DP_INVALID, AUDIT_INVALID, OUTPUT_FAILED, COLUMN_MISSING,
        TYPE_MISMATCH); on error nothing is reserved.
        """
        _enable_features()
        schema = lf.collect_schema()
        prepared = [prepare_release(spec, i, lf, schema) for i in range(len(spec.releases))]
        for prep in prepared:
            check_publishable(prep)
        ledger = Ledger(ledger_path, key)
        costs = [(p.release.name, p.epsilon, p.delta) for p in prepared]
        history = audit_history(audit, dataset, input_sha256)
        unit, sha = spec.privacy_unit.key, input_sha256
        ids = ledger.reserve(dataset, unit, spec.budget, run_id, costs, history=history, input_sha256=sha)
        return cls(spec, prepared, ledger, ids, dataset, run_id)

    def release(self) -> list[ReleasedTable]:
        """Run every measurement once; on error nothing is returned and rollback frees the budget."""
        if self._state != "reserved":
            raise fail(ReasonCode.INTERNAL, f"DP releases cannot run again (state: {self._state})")
        self._state = "releasing"
        raws = []
        for prep in self.prepared:
            started = time.perf_counter()
            raws.append((prep, prep.context(prep.measurement).collect(), time.perf_counter() - started))
        balance = self.ledger.mark_released(self.ids)  # noise was drawn: what follows may depend on it
        self._state = "released"
        outputs = [(prep, *finish(prep, raw), seconds) for prep, raw, seconds in raws]
        self._released = [
            ReleasedTable(p.release.name, p.release.path, frame, self._record(p, m, c, d, s, frame, balance))
            for p, frame, m, c, d, s in outputs
        ]
        return self._released

    def commit(self) -> list[ReleaseRecord]:
        """Mark the spend final; records carry the budget spent and remaining after it."""
        if self._state != "released":
            raise fail(ReasonCode.INTERNAL, f"nothing to commit (state: {self._state})")
        balance = self.ledger.commit(self.ids)
        self._state = "committed"
        return [
            t.record.model_copy(update={**_budget(balance), "ledger_state": "committed"})
            for t in self._released
        ]

    def rollback(self) -> None:
        """Free the reservation; noisy values already handed out stay spent.

        If the ledger cannot be written now (disk full), the reservation stays counted until this
        process has exited; then the next transaction resolves it like any dead owner's.
        """
        if self._state != "committed":
            try:
                self.ledger.rollback(self.ids)
            except PrivprepError as exc:
                if exc.code is not ReasonCode.OUTPUT_FAILED:
                    raise
            self._state = "rolled_back"

    def _record(
        self, prep: PreparedRelease, metrics: list, clamped: int, dropped: int, seconds: float,
        frame: pl.DataFrame, balance: Balance,
    ) -> ReleaseRecord:  # fmt: skip
        unit = self.spec.privacy_unit
        return ReleaseRecord(
            name=prep.release.name,
            dataset=self.dataset,
            run_id=self.run_id,
            path=prep.release.path,
            privacy_unit=unit.key,
            rows_per_unit=prep.rows_per_unit,
            truncated=unit.column is not None,
            group_by=prep.release.group_by,
            keys=prep.keys,
            groups=frame.height,
            threshold=prep.threshold,
            groups_dropped=dropped,
            clamped_counts=clamped,
            epsilon=prep.epsilon,
            delta=prep.delta,
            budget_epsilon=self.spec.budget.epsilon,
            budget_delta=self.spec.budget.delta,
            ledger=str(self.ledger.path),
            ledger_state="released",
            metrics=metrics,
            opendp_version=importlib.metadata.version("opendp"),
            opendp_features=FEATURES,
            seconds=round(seconds, 6),
            **_budget(balance),
        )


def _budget(balance: Balance) -> dict[str, float]:
    return {
        "epsilon_spent_total": float(balance.epsilon_spent),
        "delta_spent_total": float(balance.delta_spent),
        "epsilon_remaining": balance.epsilon_remaining,
        "delta_remaining": balance.delta_remaining,
    }
