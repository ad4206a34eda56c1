"""The steps of a run between planning and auditing; each leaves its typed record on StepState."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from privprep.audit.record import FileInfo, Header, Outcome
from privprep.audit.store import AuditLog
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.atomic import commit, temp_path
from privprep.io.parquet import Source, privprep_metadata, sha256_file
from privprep.keys import MasterKey, resolve_key
from privprep.plan import unlisted_columns
from privprep.policy.model import Policy

Stage = Callable[[str], None]


@dataclass
class StepState:
    """Everything a run accumulates for its audit record, plus files waiting to be renamed."""

    run_id: str
    policy: Policy
    target: Path | None
    log_path: Path
    on_stage: Stage | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    detection: dict[str, Any] | None = None
    checks: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    releases: list[dict[str, Any]] = field(default_factory=list)
    released: dict[str, pl.DataFrame] = field(default_factory=dict)
    release_paths: dict[str, str] = field(default_factory=dict)
    output: FileInfo | None = None
    pending: list[tuple[Path, Path]] = field(default_factory=list)
    failure: tuple[str, str] | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a step (recorded in the audit) and announce it to the progress display."""
        if self.on_stage:
            self.on_stage(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - start, 3)

    def outcome(self, finished_at: str) -> Outcome:
        """The record of what happened so far (a failed run keeps what it did before failing)."""
        code, message = self.failure or (None, None)
        return Outcome(
            status="failed" if self.failure else "success",
            reason_code=code,
            message=message,
            finished_at=finished_at,
            output=self.output,
            warnings=self.warnings,
            detection=self.detection,
            checks=self.checks,
            releases=self.releases,
            profile=self.profile,
            timings=self.timings,
        )

    def commit_files(self) -> None:
        """Rename every staged file onto its target."""
        for tmp, target in self.pending:
            try:
                commit(tmp, target)
            except OSError as exc:
                raise fail(ReasonCode.OUTPUT_FAILED, f"cannot write {target}: {exc.strerror}") from None
        self.pending.clear()

    def discard_temp_files(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending.clear()

    def metadata(self, header: Header) -> dict[str, str]:
        """Key-value metadata linking a written file to its audit record."""
        return privprep_metadata(
            {
                "run_id": self.run_id,
                "policy_sha256": header.policy["sha256"] or "",
                "record_hash": header.sha256,
                "audit_log": str(self.log_path),
            }
        )

    def stage_file(self, target: Path) -> Path:
        """A temp path beside ``target``; it is renamed onto ``target`` when the run commits."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create the folder of {target}: {exc.strerror}"
            raise fail(ReasonCode.OUTPUT_FAILED, message) from None
        tmp = temp_path(target)
        self.pending.append((tmp, target))
        return tmp


def detect_findings(state: StepState, source: Source) -> dict[str, Any] | None:
    """Classify the unlisted columns that would be kept or that entity rules may claim.

    ``None`` when there are none: a policy naming every column never loads the NLP model.
    """
    policy = state.policy
    entity_rules = any(rule.match.entity for rule in policy.rules)
    if policy.unlisted != "keep" and not entity_rules:
        return None
    wanted = unlisted_columns(policy, source.schema)
    if not wanted:
        return None
    from privprep.detect import scan  # heavy import (spaCy): only when detection runs

    with state.stage("detect"):
        sample = policy.detect.sample if policy.detect else 1000
        report = scan(source.frame.select(wanted), policy=policy, sample=sample)
    state.detection = report.model_dump(mode="json")
    return {finding.name: finding for finding in report.columns}


def sink(state: StepState, frame: pl.LazyFrame, target: Path, header: Header) -> Path:
    """Stream ``frame`` into a staged temp file with linking metadata."""
    tmp = state.stage_file(target)
    frame.sink_parquet(tmp, metadata=state.metadata(header), statistics=True, sync_on_close="data")
    return tmp


def write_output(
    state: StepState, frame: pl.LazyFrame, header: Header, before: pl.LazyFrame | None = None
) -> tuple[pl.DataFrame | None, pl.LazyFrame]:
    """Write the transformed table (or collect it, with no target), applying risk checks.

    Returns the collected table (in-memory runs only) and a lazy view of what was produced.
    """
    policy, target = state.policy, state.target
    if target is None:
        with state.stage("transform"):
            table = frame.collect()
        kept = apply_checks(state, table.lazy(), before) if policy.checks else None
        table = kept.collect() if kept is not None else table
        return table, table.lazy()
    with state.stage("transform+write"):
        tmp = sink(state, frame, target, header)
    if policy.checks:
        with state.stage("checks"):
            kept = apply_checks(state, pl.scan_parquet(tmp), before)
            if kept is not None:
                state.pending.remove((tmp, target))
                filtered = sink(state, kept, target, header)
                tmp.unlink()
                tmp = filtered
    rows = pq.read_metadata(tmp).num_rows
    state.output = FileInfo(path=str(target.absolute()), sha256=sha256_file(tmp), rows=rows)
    return None, pl.scan_parquet(tmp)


def apply_checks(
    state: StepState, frame: pl.LazyFrame, before: pl.LazyFrame | None = None
) -> pl.LazyFrame | None:
    """Run the policy's risk checks; returns the frame minus suppressed rows, if any were."""
    from privprep.checks import run_checks

    try:
        outcome = run_checks(state.policy.checks, frame, before=before)
    except PrivprepError as exc:
        state.checks = exc.details.get("checks")  # a failed check's numbers go into the audit record
        raise
    state.checks = outcome.record
    state.warnings.extend(outcome.warnings)
    return outcome.suppress(frame) if outcome.suppress is not None else None


def profile_step(state: StepState, before: pl.LazyFrame, after: pl.LazyFrame) -> None:
    """Value-free statistics of every column before and after, for the reviewer's report."""
    from privprep.profile import profile_frame

    with state.stage("profile"):
        state.profile = {"input": profile_frame(before), "output": profile_frame(after)}


def dp_prepare(state: StepState, source: Source, key: MasterKey | None = None) -> Any:
    """Resolve the DP releases and reserve their cost before any data is touched (needs the key)."""
    spec = state.policy.aggregates
    if spec is None:
        return None
    from privprep.dp import DPRun, ledger_location

    with state.stage("dp-reserve"):
        run = DPRun.prepare(
            spec, source.frame, dataset=spec.dataset or state.policy.name,
            ledger_path=ledger_location(spec, source.path, state.log_path), run_id=state.run_id,
            key=key or resolve_key(state.policy.key), audit=AuditLog(state.log_path),
            input_sha256=source.sha256,
        )  # fmt: skip
    state.warnings.extend(run.warnings)
    return run


def dp_release(state: StepState, run: Any, header: Header) -> None:
    """Release every DP table once and stage its file for the commit."""
    folder = state.target.parent if state.target else state.log_path.parent
    with state.stage("dp-release"):
        for table in run.release():
            state.released[table.name] = table.frame
            target = Path(table.path) if table.path else folder / f"{table.name}.parquet"
            state.release_paths[table.name] = str(target.absolute())
            meta = state.metadata(header) | privprep_metadata({"release": table.name})
            table.frame.write_parquet(state.stage_file(target), metadata=meta)
