"""run(policy, data) → Result: detect, transform, check, aggregate, write atomically, audit.

Files are staged beside their targets and renamed only when every step has
succeeded; DP budget is reserved before data is touched and committed last.
Every run, failed or not, appends one record to the audit log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from privprep.audit.record import (
    ColumnAction,
    FileInfo,
    Header,
    assemble,
    new_run_id,
    now,
    versions,
)
from privprep.audit.store import DEFAULT_NAME, AuditLog
from privprep.checks import quasi_identifier_warnings
from privprep.dtypes import render_dtype, render_schema
from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.parquet import Data, Source, open_source
from privprep.keys import MasterKey, resolve_key
from privprep.plan import Plan, compile_plan
from privprep.policy.model import Policy
from privprep.steps import (
    Stage,
    StepState,
    detect_findings,
    dp_prepare,
    dp_release,
    profile_step,
    write_output,
)

DEBUG = os.environ.get("PRIVPREP_DEBUG") == "1"


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
) -> Result:
    """Execute ``policy`` on ``data``; every outcome, failures included, is appended to the audit log."""
    run_id, started = new_run_id(), now()
    target = _output_path(policy, data, output)
    log = AuditLog(_audit_path(policy, target, audit_log))
    log.ensure_writable()  # a run that could not be audited must not start
    state = StepState(run_id, policy, target, log.path, on_stage)
    header = _header(run_id, started, policy, None, None, None, data)
    try:
        with state.stage("open"):
            source = open_source(data)
        _check_target(source, target)
        dp = dp_prepare(state, source)  # reserves the budget before any data is read
        try:
            findings = detect_findings(state, source)
            plan = compile_plan(policy, source.schema, findings)
            state.warnings.extend(plan.warnings)
            state.warnings.extend(quasi_identifier_warnings(policy, plan.columns, findings))
            master = (
                resolve_key(policy.key, key, policy_text=policy.source_text, not_key_files=[source.path])
                if plan.needs_key or key is not None
                else None
            )
            header = _header(run_id, started, policy, source, plan, master, data)
            table = _execute(state, plan, source, master, header, dp)
        except BaseException:
            state.discard_temp_files()
            if dp is not None:
                dp.rollback()
            raise
        if dp is not None:
            state.releases = [
                r.model_dump(mode="json") | {"path": state.release_paths.get(r.name, r.path)}
                for r in dp.commit()
            ]
    except BaseException as exc:
        state.failure = _failure(exc)
        log.append(assemble(header, state.outcome(now())))
        if isinstance(exc, Exception) and not isinstance(exc, PrivprepError) and not DEBUG:
            # Library messages can quote data values: keep only the type (PRIVPREP_DEBUG=1 keeps all).
            raise PrivprepError(ReasonCode.INTERNAL, state.failure[1]) from None
        raise
    record = log.append(assemble(header, state.outcome(now())))
    frame = table.to_pandas() if isinstance(data, pd.DataFrame) and table is not None else table
    return Result(run_id, target, frame, record, log.path, state.released)


def _execute(
    state: StepState, plan: Plan, source: Source, key: MasterKey | None, header: Header, dp: Any
) -> pl.DataFrame | None:
    """Transform, check and write; stage DP releases; rename every file only once all succeeded."""
    terms = _scrub_terms(state, plan, source, key)
    staged, outputs = plan.projection(key, terms)
    try:
        table, written = write_output(
            state, source.frame.with_columns(**staged).select(outputs), header, before=source.frame
        )
    except pl.exceptions.ComputeError as exc:
        if source.path is None or not str(exc).startswith("parquet"):
            raise
        raise fail(ReasonCode.INPUT_INVALID, f"input {source.path} has unreadable data pages") from None
    if terms:  # matches per source column, never a value
        state.detection = {**(state.detection or {}), "scrub": {c: t.record() for c, t in terms.items()}}
    profile_step(state, source.frame, written)
    if dp is not None:
        dp_release(state, dp, header)
    state.commit_files()
    return table


def _scrub_terms(state: StepState, plan: Plan, source: Source, key: MasterKey) -> dict[str, Any]:
    """The input values the scrubbed columns look for (one query over their source columns)."""
    if not any(plan.text_sources.values()):
        return {}
    from privprep.detect.table import collect_terms

    with state.stage("dictionary"):
        terms, warnings = collect_terms(plan, source.frame, key)
    state.warnings.extend(warnings)
    return terms


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


def _check_target(source: Source, target: Path | None) -> None:
    if target is None:
        return
    if source.path is not None and target.resolve() == source.path.resolve():
        raise fail(ReasonCode.OUTPUT_FAILED, f"output {target} is the input file; choose another path")
    if target.is_dir():
        raise fail(ReasonCode.OUTPUT_FAILED, f"output {target} is a directory; name a file")


def _header(
    run_id: str,
    started: str,
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
        started_at=started,
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
