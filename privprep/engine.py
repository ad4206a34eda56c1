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

import pandas as pd
import polars as pl

from privprep.audit.record import (
    AuditInfo,
    ColumnAction,
    CompileInfo,
    FileInfo,
    Header,
    Intent,
    OpenInfo,
    Planned,
    PlannedRelease,
    TableScrub,
    assemble,
    new_run_id,
    now,
    started,
    versions,
)
from privprep.audit.sign import Signer
from privprep.audit.store import DEFAULT_NAME, AuditLog
from privprep.checks import quasi_identifier_warnings
from privprep.dp.owner import current_owner
from privprep.dp_steps import dp_prepare, dp_release, ledger_path
from privprep.dtypes import render_dtype, render_schema
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.atomic import temp_path
from privprep.io.parquet import Data, Source, open_source
from privprep.io.targets import refuse_collisions
from privprep.keys import MasterKey, resolve_key
from privprep.plan import Plan, compile_plan
from privprep.policy.model import Policy
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

DEBUG = os.environ.get("PRIVPREP_DEBUG") == "1"
UNSIGNED = (
    "no master key: this run's audit records are unsigned, so `audit verify` accepts them only with"
    " --allow-unsigned (set the policy's key to sign them)"
)


@dataclass
class Result:
    """What :func:`privprep.apply` returns: the output (path or frame), releases and audit record."""

    run_id: str
    output_path: Path | None
    frame: pl.DataFrame | pd.DataFrame | None
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
) -> Result:
    """Execute ``policy`` on ``data``; every outcome, failures included, is appended to the audit log.

    ``policy_path`` and ``report`` name files no output may overwrite (the CLI passes both).
    """
    run_id, started_at = new_run_id(), now()
    target = _output_path(policy, data, output)
    log = AuditLog(_audit_path(policy, target, audit_log))
    log.preflight()  # a run that could not be audited must not start
    recovered = recover(log)  # what dead runs left; this run's record says what was done
    state = StepState(run_id, policy, target, log.path, on_stage, [f"recovery: {line}" for line in recovered])
    header = _header(run_id, started_at, policy, None, None, None, data)
    try:
        with state.step("open") as done:
            source = open_source(data)
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
            frame = source.frame.with_columns(**staged).select(outputs)
            _stage_files(state, source, key, policy_path, report)
            done(CompileInfo(columns_out=len(outputs), needs_key=plan.needs_key, outputs=len(state.files)))
        with state.step("audit") as done:
            sealed = _append(log, started(header, _intent(state)))
            state.audit_head = sealed["hash"]  # every output's metadata proves the log reached this record
            done(AuditInfo(started_hash=sealed["hash"]))
        dp = None
        try:
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
    except BaseException as exc:
        if (shown := record_failure(log, header, state, exc)) is not exc:
            raise shown from None
        raise
    frame_out = table.to_pandas() if isinstance(data, pd.DataFrame) and table is not None else table
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
        frame = source.frame.with_columns(**staged).select(outputs)
    try:
        table, written = write_output(state, frame, header, before=source.frame)
    except pl.exceptions.ComputeError as exc:
        if source.path is None or not str(exc).startswith("parquet"):
            raise
        raise fail(ReasonCode.INPUT_INVALID, f"input {source.path} has unreadable data pages") from None
    if terms:  # matches per source column, never a value
        state.scrub = {c: TableScrub.model_validate(t.record()) for c, t in terms.items()}
    profile_step(state, source.frame, written)
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
    if source.path is not None:
        protected["the input file"] = source.path
    if policy_path is not None:
        protected["the policy file"] = Path(policy_path)
    if key is None and policy.key.file:
        protected["the key file"] = Path(policy.key.file)
    if policy.aggregates is not None:
        protected["the budget ledger"] = ledger_path(state, source)
    outputs = planned | ({"report": Path(report)} if report is not None else {})
    refuse_collisions({labels[name]: path for name, path in outputs.items()}, protected)
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
        return resolve_key(policy.key, key, policy_text=policy.source_text, not_key_files=[source.path])
    except PrivprepError:
        if needed or key is not None:
            raise
        return None


def _output_path(policy: Policy, data: Data, output: str | Path | None) -> Path | None:
    if output is not None:
        return Path(output)
    if policy.output.path:
        return Path(policy.output.path)
    if isinstance(data, str | Path):
        path = Path(data)
        return path.with_name(f"{path.stem}.private.parquet")
    return None


def _audit_path(policy: Policy, target: Path | None, explicit: str | Path | None) -> Path:
    if explicit is not None:
        return Path(explicit)
    if policy.output.audit_log:
        return Path(policy.output.audit_log)
    return (target.parent if target else Path.cwd()) / DEFAULT_NAME


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
        info = FileInfo(
            path=str(source.path) if source.path else None,
            sha256=source.sha256,
            rows=source.rows,
            schema=render_schema(source.schema),
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


def _failure(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, PrivprepError):
        return exc.code.value, str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return ReasonCode.INTERRUPTED.value, "the run was interrupted"
    return ReasonCode.INTERNAL.value, f"internal error ({type(exc).__name__})"
