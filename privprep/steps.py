"""The steps of a run between planning and auditing; each leaves its typed record on StepState."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from privprep.audit.record import (
    CheckInfo,
    Checks,
    ColumnAction,
    DetectInfo,
    EngineInfo,
    FileEntry,
    Header,
    NullIncrease,
    Outcome,
    OutputInfo,
    Profile,
    ProfileInfo,
    StepInfo,
    StepName,
    StepRecord,
    TableScrub,
    TransformInfo,
    WriteInfo,
    now,
)
from privprep.detect.report import ScanReport
from privprep.digest import from_sums, path_digest, sums_query
from privprep.dp.records import ReleaseRecord
from privprep.drift.model import DriftSection
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.atomic import aside_path, commit, remove_temp, replace, scratch_path
from privprep.io.fingerprint import data_files, fingerprint_files, sha256_file
from privprep.io.parquet import output_rows, privprep_metadata, scan_output
from privprep.io.source import Source
from privprep.plan import detection_columns
from privprep.policy.model import Policy
from privprep.prep.records import PrepRecord
from privprep.progress import Progress, ProgressCallback, counting

if TYPE_CHECKING:
    from privprep.checks import CheckOutcome

Stage = Callable[[str], None]
FAULT_ENV = "PRIVPREP_FAULT"


def fault_point(name: str) -> None:
    """Test hook: ``PRIVPREP_FAULT=write:before`` makes the process die here as if SIGKILLed.

    The fault-injection suite (tests/faults/) uses it to stop a run at every step boundary.
    """
    if os.environ.get(FAULT_ENV) == name:
        os._exit(137)


class StepFailed(PrivprepError):
    """A step failed: the original reason code and message, plus which step and its partial record."""

    def __init__(self, step: StepName, partial: StepRecord, cause: PrivprepError) -> None:
        super().__init__(cause.code, cause.message, list(cause.problems), dict(cause.details))
        self.step, self.partial = step, partial


@dataclass
class Staged:
    """One file of the run: staged at ``tmp`` beside ``target``, renamed when the run commits."""

    role: str
    target: Path
    tmp: Path


@dataclass
class StepState:
    """Everything a run accumulates for its audit record, plus files waiting to be renamed."""

    run_id: str
    policy: Policy
    target: Path | None
    log_path: Path
    on_stage: Stage | None = None
    progress: ProgressCallback | None = None
    warnings: list[str] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    detection: ScanReport | None = None
    scrub: dict[str, TableScrub] | None = None
    fake_locales: dict[str, int] | None = None
    checks: Checks | None = None
    profile: Profile | None = None
    prep: PrepRecord | None = None
    drift: DriftSection | None = None
    releases: list[ReleaseRecord] = field(default_factory=list)
    released: dict[str, pl.DataFrame] = field(default_factory=dict)
    files: dict[str, Staged] = field(default_factory=dict)
    audit_head: str = ""  # the hash of this run's started record: an output proves the log reached it
    output: OutputInfo | None = None
    null_increases: list[NullIncrease] = field(default_factory=list)
    failure: tuple[str, str] | None = None
    failed_step: StepName | None = None
    engine: EngineInfo = field(default_factory=lambda: EngineInfo(name="polars", version=pl.__version__))

    @contextmanager
    def step(self, name: StepName) -> Iterator[Callable[[StepInfo], None]]:
        """Run a step: announce it, time it and keep its record (``yield``s a setter for its info)."""
        fault_point(f"{name}:before")
        if self.on_stage:
            self.on_stage(name)
        if self.progress:
            self.progress(Progress(name, 0, None, "steps"))
        info: list[StepInfo] = []
        started_at, start = now(), time.perf_counter()

        def record() -> StepRecord:
            seconds = round(time.perf_counter() - start, 3)
            last = info[-1] if info else None
            return StepRecord(step=name, started_at=started_at, seconds=seconds, info=last)

        try:
            yield info.append
        except BaseException as exc:
            self.failed_step = self.failed_step or name
            self.steps.append(partial := record())
            if isinstance(exc, PrivprepError) and not isinstance(exc, StepFailed):
                raise StepFailed(name, partial, exc) from exc
            raise
        self.steps.append(record())
        fault_point(f"{name}:after")

    def outcome(self) -> Outcome:
        """The record of what happened so far (a failed run keeps what it did before failing)."""
        code, message = self.failure or (None, None)
        return Outcome(
            status="failed" if self.failure else "success",
            reason_code=code,
            message=message,
            failed_step=self.failed_step if self.failure else None,
            finished_at=now(),
            output=self.output,
            warnings=self.warnings,
            steps=self.steps,
            detection=self.detection,
            scrub=self.scrub,
            fake_locales=self.fake_locales,
            checks=self.checks,
            releases=self.releases,
            profile=self.profile,
            null_increases=self.null_increases,
            prep=self.prep,
            drift=self.drift,
            engine=self.engine,
        )

    def commit_files(self) -> None:
        """Rename every staged file onto its target (the finished record is already in the log)."""
        for staged in self.files.values():
            fault_point(f"rename:{staged.role}")
            try:
                commit(staged.tmp, staged.target)
            except OSError as exc:
                message = f"cannot write {staged.target}: {exc.strerror}"
                raise fail(ReasonCode.OUTPUT_FAILED, message) from None
        self.files.clear()

    def discard_temp_files(self) -> None:
        for staged in self.files.values():
            remove_temp(staged.tmp)
        self.files.clear()

    def metadata(self, header: Header) -> dict[str, str]:
        """Key-value metadata linking a written file to its audit record."""
        return privprep_metadata(
            {
                "run_id": self.run_id,
                "policy_sha256": header.policy["sha256"] or "",
                "record_hash": header.sha256,
                "audit_log": str(self.log_path.absolute()),
                "audit_head": self.audit_head,
            }
        )

    def temp_for(self, role: str) -> Path:
        """The temp file staged for ``role``; its folder is created on first use."""
        staged = self.files[role]
        try:
            staged.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create the folder of {staged.target}: {exc.strerror}"
            raise fail(ReasonCode.OUTPUT_FAILED, message) from None
        return staged.tmp


def detect_findings(state: StepState, source: Source) -> dict[str, Any] | None:
    """Classify :func:`~privprep.plan.detection_columns`; ``None`` when there are none."""
    policy = state.policy
    wanted = detection_columns(policy, source.schema)
    if not wanted:
        return None
    from privprep.detect import scan  # heavy import (spaCy): only when detection runs

    with state.step("detect") as done:
        sample = policy.detect.sample if policy.detect else 1000
        report = scan(
            source.frame.select(wanted), policy=policy, sample=sample, on_column=_columns_done(state, wanted)
        )
        state.detection = report
        done(DetectInfo(columns_scanned=len(wanted), rows_sampled=report.rows_sampled, ner=report.ner))
    return {finding.name: finding for finding in report.columns}


def _columns_done(state: StepState, wanted: list[str]) -> Callable[[int], None] | None:
    """Detection's per-column progress, as the run's progress events."""
    report = state.progress
    if report is None:
        return None
    return lambda done: report(Progress("detect", done, len(wanted), "columns"))


@contextmanager
def writing(tmp: Path) -> Iterator[None]:
    """Map a failed write of ``tmp`` (a full disk, a vanished folder) to OUTPUT_FAILED."""
    try:
        yield
    except OSError as exc:
        raise fail(ReasonCode.OUTPUT_FAILED, f"cannot write {tmp}: {exc.strerror}") from None
    except pl.exceptions.PolarsError as exc:
        text = str(exc)  # searched for the OS error only, never repeated: it may quote data
        if "(os error 28)" in text:
            raise fail(ReasonCode.OUTPUT_FAILED, f"cannot write {tmp}: no space left on device") from None
        raise


def sink(state: StepState, frame: pl.LazyFrame, tmp: Path, header: Header) -> str:
    """Stream ``frame`` into ``tmp`` with linking metadata (hive partition folders with ``partition_by``);
    returns the content digest of the rows written, summed in the same streaming pass.
    """
    spec = state.policy.output
    target = pl.PartitionByKey(tmp, by=spec.partition_by) if spec.partition_by else tmp
    with writing(tmp):
        written = frame.sink_parquet(
            target, metadata=state.metadata(header), statistics=True, sync_on_close="data",
            compression=spec.compression, row_group_size=spec.row_group_size, mkdir=True, lazy=True,
        )  # fmt: skip
        _, sums = pl.collect_all([written, sums_query(frame)], engine="streaming")
    return from_sums(sums).text


def write_output(
    state: StepState,
    frame: pl.LazyFrame,
    header: Header,
    before: pl.LazyFrame | None = None,
    stage: str = "write",
) -> tuple[pl.DataFrame | None, pl.LazyFrame]:
    """Write the transformed table (or collect it, with no target), applying risk checks.

    Returns the collected table (in-memory runs only) and a lazy view of what was produced.
    ``stage`` names the row counts sent to the progress callback (``scrub`` when text is scrubbed).
    """
    frame = counting(frame, state.progress, stage, header.input.rows)
    if state.target is None:
        with state.step("transform") as done:
            table = frame.collect()
            done(TransformInfo(rows=table.height))
        kept = apply_checks(state, table.lazy(), before) if _risk_checks(state.policy) else None
        table = kept.collect() if kept is not None else table
        return table, table.lazy()
    tmp = state.temp_for("output")
    with state.step("write") as done:
        digest = sink(state, frame, tmp, header)
        done(_written(tmp))
    if _risk_checks(state.policy):
        kept = apply_checks(state, scan_output(tmp), before)
        if kept is not None:
            with state.step("write") as done:
                scratch = scratch_path(tmp)
                digest = sink(state, kept, scratch, header)
                replace(scratch, tmp, aside_path(tmp))
                done(_written(tmp))
    state.output = output_info(state.target, tmp, digest)
    return None, scan_output(tmp)


def _risk_checks(policy: Policy) -> bool:
    return policy.checks is not None and policy.checks.risk


def _written(tmp: Path) -> WriteInfo:
    return WriteInfo(files=len(data_files(tmp)) if tmp.is_dir() else 1, rows=output_rows(tmp))


def output_info(target: Path, tmp: Path, content: str | None = None) -> OutputInfo:
    """The output's fingerprint: a file's SHA-256, or a dataset folder's file list and set digest,
    with the order-independent content digest (computed here unless the engine summed it already)."""
    path, rows, content = str(target.absolute()), output_rows(tmp), content or path_digest(tmp)
    if not tmp.is_dir():
        return OutputInfo(path=path, sha256=sha256_file(tmp), rows=rows, format="parquet", digest=content)
    shown, digest = fingerprint_files(tmp, data_files(tmp))
    files = [FileEntry(path=f.path, size=f.size, sha256=f.sha256) for f in shown]
    return OutputInfo(path=path, sha256=digest, rows=rows, format="parquet", files=files, digest=content)


def apply_checks(
    state: StepState, frame: pl.LazyFrame, before: pl.LazyFrame | None = None
) -> pl.LazyFrame | None:
    """Run the policy's risk checks; returns the frame minus suppressed rows, if any were."""
    outcome = check_step(state, frame, before)
    return outcome.suppress(frame) if outcome.suppress is not None else None


def check_step(state: StepState, frame: pl.LazyFrame, before: pl.LazyFrame | None = None) -> CheckOutcome:
    """The ``check`` step: measure, record and decide (the Spark engine broadcasts the decision)."""
    from privprep.checks import run_checks

    with state.step("check") as done:
        try:
            outcome = run_checks(state.policy.checks, frame, before=before)
        except PrivprepError as exc:
            if "checks" in exc.details:  # a failed check's numbers go into the audit record
                state.checks = Checks.model_validate(exc.details["checks"])
            raise
        state.checks = Checks.model_validate(outcome.record)
        state.warnings.extend(outcome.warnings)
        c = state.checks
        done(CheckInfo(passed=c.passed, rows_checked=c.rows_checked, rows_suppressed=c.rows_suppressed))
    return outcome


def profile_step(
    state: StepState, before: pl.LazyFrame, after: pl.LazyFrame, columns: list[ColumnAction] | None = None
) -> None:
    """Value-free statistics of every column before and after, for the reviewer's report.

    ``columns`` (the plan's actions) lets it flag actions that turned values into nulls.
    """
    from privprep.nulls import check_null_increases
    from privprep.profile import profile_frame

    with state.step("profile") as done:
        profile = Profile.model_validate({"input": profile_frame(before), "output": profile_frame(after)})
        state.profile = profile
        done(ProfileInfo(columns_in=len(profile.input.columns), columns_out=len(profile.output.columns)))
    check_null_increases(state, columns or [])
