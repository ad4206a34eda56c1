"""The DP steps of a run: reserve once every pure check has passed, release last, into staged files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privprep.audit.record import Header, ReleaseInfo
from privprep.audit.store import AuditLog
from privprep.io.fingerprint import sha256_file
from privprep.io.parquet import privprep_metadata
from privprep.io.source import Source
from privprep.keys import MasterKey
from privprep.steps import StepState, writing


def ledger_path(state: StepState, source: Source) -> Path:
    """Where the run's budget ledger is (beside the input unless the policy names one)."""
    from privprep.dp import ledger_location

    return ledger_location(state.policy.aggregates, source.path, state.log_path)


def dp_prepare(state: StepState, source: Source, key: MasterKey, log: AuditLog) -> Any:
    """Resolve the DP releases and reserve their cost; called once every pure check has passed.

    The ledger is checked against ``log``'s history and its rows are MACed with ``key``
    (a policy with aggregates always resolves one: :attr:`Plan.needs_key`).
    """
    spec = state.policy.aggregates
    if spec is None:
        return None
    from privprep.dp import DPRun

    with state.step("reserve"):
        run = DPRun.prepare(
            spec, source.frame, dataset=spec.dataset or state.policy.name,
            ledger_path=ledger_path(state, source), run_id=state.run_id, key=key, audit=log,
            input_sha256=source.sha256,
        )  # fmt: skip
    state.warnings.extend(run.warnings)
    return run


def dp_release(state: StepState, run: Any, header: Header) -> None:
    """Release every DP table once into its staged file, then mark the spend final in the ledger."""
    with state.step("release") as done:
        for table in run.release():
            state.released[table.name] = table.frame
            meta = state.metadata(header) | privprep_metadata({"release": table.name})
            tmp = state.temp_for(f"release:{table.name}")
            with writing(tmp):
                table.frame.write_parquet(tmp, metadata=meta)
        files = {role.removeprefix("release:"): s for role, s in state.files.items()}
        state.releases = [
            r.model_copy(
                update={
                    "path": str(files[r.name].target.absolute()),
                    "sha256": sha256_file(files[r.name].tmp),
                }
            )
            for r in run.commit()
        ]
        epsilon, delta = sum(r.epsilon for r in state.releases), sum(r.delta for r in state.releases)
        done(ReleaseInfo(tables=len(state.releases), epsilon=epsilon, delta=delta))
