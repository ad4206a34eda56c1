"""run(policy, data) → Result: resolve everything, audit the intent, then reserve, write and commit.

The order makes a failed or killed run harmless: open → detect → compile (key, header, projection,
paths) → ``started`` audit record → DP reserve → transform, check, write, release into temp files
→ ``finished`` record → rename. Nothing is reserved before every pure check has passed, nothing is
written before the ``started`` record names it, and nothing is renamed before the ``finished``
record is in the log. A later run cleans up (or completes) what a dead one left; see recovery.py.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from privprep.audit.record import (
    AuditInfo,
    ColumnAction,
    CompileInfo,
    FileEntry,
    FileInfo,
    Header,
    Intent,
    OpenInfo,
    Planned,
    PlannedRelease,
    QueryInfo,
    TableScrub,
    assemble,
    new_run_id,
    now,
    started,
    versions,
)
from privprep.audit.sign import Signer
from privprep.audit.store import AuditLog
from privprep.checks import quasi_identifier_warnings
from privprep.dp.owner import current_owner
from privprep.dp_steps import dp_prepare, dp_release, ledger_path
from privprep.drift.step import drift_step
from privprep.dtypes import render_dtype, render_schema
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.atomic import temp_path
from privprep.io.inputs import open_input, unreadable
from privprep.io.source import Data, Query, Source
from privprep.io.targets import refuse_collisions
from privprep.keys import MasterKey, resolve_key
from privprep.locations import audit_log_location
from privprep.plan import Plan, compile_plan
from privprep.policy.inputs import InputSpec
from privprep.policy.model import Policy
from privprep.prep.step import prep_step
from privprep.progress import ProgressCallback
from privprep.recovery import recover
from privprep.steps import (
    Stage,
    Staged,
    StepState,
    detect_findings,
    fault_point,
    profile_step,
    write_output,
)
from privprep.transforms.fake import locale_misses

DEBUG = os.environ.get("PRIVPREP_DEBUG") == "1"
READ_ERRORS = (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError)
UNSIGNED = (
    "no master key: this run's audit records are unsigned, so `audit verify` accepts them only with"
    " --allow-unsigned (set the policy's key to sign them)"
)


@dataclass
class Result:
    """What :func:`privprep.apply` returns: the output (path or frame), releases and audit record."""

    run_id: str
    output_path: Path | None
    frame: Any  # pl.DataFrame, or pandas.DataFrame for a pandas input; None when written to a file
    record: dict[str, Any]
    audit_log: Path
    releases: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return list(self.record["result"]["warnings"])


def run(
    policy: Policy,
    data: Data,
    *,
    output: str | Path | None = None,
    key: str | bytes | None = None,
    audit_log: str | Path | None = None,
    on_stage: Stage | None = None,
    policy_path: str | Path | None = None,
    report: str | Path | None = None,
    input_spec: InputSpec | None = None,
    progress: ProgressCallback | None = None,
) -> Result:
    """Execute ``policy`` on ``data``; every outcome, failures included, is appended to the audit log.

    ``policy_path`` and ``report`` name files no output may overwrite (the CLI passes both).
    ``input_spec`` replaces the policy's ``input:`` section (the CLI's ``--csv-*`` flags);
    ``progress`` receives counts as the run goes (see :mod:`privprep.progress`).
    """
    run_id, started_at = new_run_id(), now()
    target = _output_path(policy, data, output)
    log = AuditLog(_audit_path(policy, target, audit_log))
    log.preflight()  # a run that could not be audited must not start
    recovered = recover(log)  # what dead runs left; this run's record says what was done
    state = StepState(
        run_id, policy, target, log.path, on_stage, progress, [f"recovery: {line}" for line in recovered]
    )
    header = _header(run_id, started_at, policy, None, None, None, data)
    source: Source | None = None
    try:
        with state.step("open") as done:
            source = open_input(data, input_spec or policy.input)
            done(OpenInfo(rows=source.rows, columns=len(source.schema)))
        findings = detect_findings(state, source)
        with state.step("compile") as done:
            plan = compile_plan(policy, source.schema, findings)
            state.warnings.extend(plan.warnings)
            state.warnings.extend(quasi_identifier_warnings(policy, plan.columns, findings))
            master = _master(policy, key, plan.needs_key, source)
            if master is not None:
                log.signer = Signer.from_master(master)  # every record from here on is signed
            else:
                state.warnings.append(UNSIGNED)
            header = _header(run_id, started_at, policy, source, plan, master, data)
            staged, outputs = plan.projection(master)  # every type check, no data read
            frame = plan.frame(source.frame, master, staged, outputs)
            _partition_columns(policy, state.target, frame)
            _stage_files(state, source, key, policy_path, report)
            done(CompileInfo(columns_out=len(outputs), needs_key=plan.needs_key, outputs=len(state.files)))
        with state.step("audit") as done:
            sealed = _append(log, started(header, _intent(state)))
            state.audit_head = sealed["hash"]  # every output's metadata proves the log reached this record
            done(AuditInfo(started_hash=sealed["hash"]))
        dp = None
        try:
            prep_step(state, plan.prep, source.frame, master, source.path)  # may refuse: before any reserve
            dp = dp_prepare(state, source, master, log)
            table = _execute(state, plan, frame, source, master, header, dp)
            fault_point("finished:before")
            record = _append(log, assemble(header, state.outcome()))
            fault_point("finished:after")
        except BaseException:
            state.discard_temp_files()
            if dp is not None:
                dp.rollback()
            raise
        state.commit_files()
    except BaseException as caught:
        # a library's error while reading the input's data: a user error when the data is at fault
        read_error = source is not None and isinstance(caught, READ_ERRORS)
        exc = unreadable(source, caught) if read_error else caught  # type: ignore[arg-type]
        if (shown := record_failure(log, header, state, exc)) is caught:
            raise
        raise shown from None
    frame_out = table
    if source.pandas is not None and table is not None:
        from privprep.io.pandas_frames import to_pandas

        frame_out = to_pandas(table, source.pandas)
    return Result(run_id, target, frame_out, record, log.path, state.released)


def _execute(
    state: StepState,
    plan: Plan,
    frame: pl.LazyFrame,
    source: Source,
    key: MasterKey | None,
    header: Header,
    dp: Any,
) -> pl.DataFrame | None:
    """Transform, check and write into temp files; release DP tables last, once all else succeeded.

    A scrubbed column that looks for the table's own values gets them here (one read of its
    source columns), and its expression is rebuilt with that dictionary.
    """
    if terms := _scrub_terms(state, plan, source, key):
        staged, outputs = plan.projection(key, terms)
        frame = plan.frame(source.frame, key, staged, outputs)
    stage = "scrub" if any(c.action == "scrub" for c in plan.columns) else "write"
    table, written = write_output(state, frame, header, before=source.frame, stage=stage)
    if terms:  # matches per source column, never a value
        state.scrub = {c: TableScrub.model_validate(t.record()) for c, t in terms.items()}
    profile_step(state, source.frame, written, header.columns)
    drift_step(state, plan, written, key, source.path)
    state.fake_locales = locale_misses(plan, source.frame)
    if dp is not None:
        dp_release(state, dp, header)
    return table


def _stage_files(
    state: StepState,
    source: Source,
    key: str | bytes | None,
    policy_path: str | Path | None,
    report: str | Path | None,
) -> None:
    """Name every file the run will write (and its temp file); refuse any that collides."""
    policy, planned, labels = state.policy, {}, {"output": "output", "report": "report"}
    if state.target is not None:
        planned["output"] = state.target
    folder = state.target.parent if state.target else state.log_path.parent
    for release in policy.aggregates.releases if policy.aggregates else []:
        default = folder / f"{release.name}.{state.run_id}.parquet"  # concurrent runs never share one
        planned[f"release:{release.name}"] = Path(release.path) if release.path else default
        labels[f"release:{release.name}"] = f"DP release {release.name!r}"
    protected = {"the audit log": state.log_path, "the audit log's lock": Path(f"{state.log_path}.lock")}
    for number, path in enumerate(source.paths, start=1):
        protected["the input file" if len(source.paths) == 1 else f"input file {number}"] = path
    if policy_path is not None:
        protected["the policy file"] = Path(policy_path)
    if key is None and policy.key.file:
        protected["the key file"] = Path(policy.key.file)
    if policy.aggregates is not None:
        protected["the budget ledger"] = ledger_path(state, source)
    outputs = planned | ({"report": Path(report)} if report is not None else {})
    folders = frozenset({"output"} if policy.output.partition_by else ())
    refuse_collisions({labels[name]: path for name, path in outputs.items()}, protected, folders)
    for name, path in planned.items():  # the report is written by the caller, after the run
        state.files[name] = Staged(name, path, temp_path(path, state.run_id))


def _intent(state: StepState) -> Intent:
    owner, files = current_owner(), state.files
    releases = state.policy.aggregates.releases if state.policy.aggregates else []
    return Intent(
        outputs=[Planned(path=str(s.target.absolute()), tmp=str(s.tmp.absolute())) for s in files.values()],
        releases=[
            PlannedRelease(
                name=r.name,
                path=str(files[f"release:{r.name}"].target.absolute()),
                epsilon=r.epsilon,
                delta=r.delta,
            )
            for r in releases
        ],
        pid=owner.pid,
        host=owner.host,
        pid_start=owner.start,
    )


def _append(log: AuditLog, record: dict[str, Any]) -> dict[str, Any]:
    """Append ``record``; a log that cannot take it (disk full) is an output error."""
    try:
        return log.append(record)
    except OSError as exc:
        message = f"cannot append to audit log {log.path}: {exc.strerror}"
        raise fail(ReasonCode.OUTPUT_FAILED, message) from None


def record_failure(log: AuditLog, header: Header, state: StepState, exc: BaseException) -> BaseException:
    """Append the failed run's record; returns what the caller raises (``exc``, or for a library's
    exception an INTERNAL error with its type only: library messages can quote data values;
    PRIVPREP_DEBUG=1 keeps them)."""
    state.failure = _failure(exc)
    _append_failure(log, header, state)
    if isinstance(exc, Exception) and not isinstance(exc, PrivprepError) and not DEBUG:
        return PrivprepError(ReasonCode.INTERNAL, state.failure[1])
    return exc


def _append_failure(log: AuditLog, header: Header, state: StepState) -> None:
    """Record the failure; when even that is impossible the original error is what the caller sees."""
    with contextlib.suppress(Exception):  # e.g. the disk that failed the run is still full
        _append(log, assemble(header, state.outcome()))


def _scrub_terms(state: StepState, plan: Plan, source: Source, key: MasterKey | None) -> dict[str, Any]:
    """The input values the scrubbed columns look for (one query over their source columns)."""
    if not any(plan.text_sources.values()):
        return {}
    from privprep.detect.table import collect_terms

    with state.step("transform"):
        terms, warnings = collect_terms(plan, source.frame, key)
    state.warnings.extend(warnings)
    return terms


def _master(
    policy: Policy, key: str | bytes | None, needed: bool, source: Source
) -> MasterKey | None:
    """The master key: required when the plan needs one, else used if available (to sign the records)."""
    try:
        return resolve_key(policy.key, key, policy_text=policy.source_text, not_key_files=list(source.paths))
    except PrivprepError:
        if needed or key is not None:
            raise
        return None


def _output_path(policy: Policy, data: Data, output: str | Path | None) -> Path | None:
    """``output``; else, for a file or query input only, the policy's or ``<stem>.private.parquet``.

    An in-memory input writes nothing unless ``output`` is passed: its result is the frame.
    """
    if output is not None:
        return Path(output)
    if data is not None and not isinstance(data, str | Path):
        return None
    if policy.output.path:
        return Path(policy.output.path)
    path = Path(data if data is not None else policy.input.duckdb or "input")
    return path.with_name(f"{path.stem or 'dataset'}.private.parquet")


def _partition_columns(policy: Policy, target: Path | None, frame: pl.LazyFrame) -> None:
    """``output.partition_by`` must name output columns (and needs a file output to apply to)."""
    wanted = policy.output.partition_by
    if target is None or not wanted:
        return
    if missing := [c for c in wanted if c not in frame.collect_schema()]:
        message = f"output.partition_by names columns the output does not have: {missing}"
        raise fail(ReasonCode.COLUMN_MISSING, message)


def _audit_path(policy: Policy, target: Path | None, explicit: str | Path | None) -> Path:
    beside = target.parent if target else None
    return audit_log_location(explicit, policy_setting=policy.output.audit_log, beside=beside).path


def _header(
    run_id: str,
    started_at: str,
    policy: Policy,
    source: Source | None,
    plan: Plan | None,
    key: MasterKey | None,
    data: Data,
) -> Header:
    """The record's fixed part; before the input is opened it names only what was asked for."""
    if source is None:
        path = str(data) if isinstance(data, str | Path) else None
        info = FileInfo(path=path, sha256=None, rows=None)
    else:
        query = source.query
        info = FileInfo(
            path=str(source.path) if source.path else None,
            sha256=source.sha256,
            rows=source.rows,
            schema=render_schema(source.schema),
            format=source.format,
            files=[FileEntry(path=f.path, size=f.size, sha256=f.sha256) for f in source.files] or None,
            query=_query_info(query) if query else None,
        )
    columns = [
        ColumnAction(
            name=c.name, dtype=render_dtype(c.dtype), action=c.action, params=c.params, source=c.source
        )
        for c in (plan.columns if plan else [])
    ]
    return Header(
        run_id=run_id,
        started_at=started_at,
        versions=versions(),
        policy={"name": policy.name, "sha256": policy.sha256, "description": policy.description},
        input=info,
        key_fingerprint=key.fingerprint if key else None,
        columns=columns,
    )


def _query_info(query: Query) -> QueryInfo:
    return QueryInfo(text=query.text, database=str(query.database), database_sha256=query.database_sha256)


def _failure(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, PrivprepError):
        return exc.code.value, str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return ReasonCode.INTERRUPTED.value, "the run was interrupted"
    return ReasonCode.INTERNAL.value, f"internal error ({type(exc).__name__})"
