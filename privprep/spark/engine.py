"""run(policy, spark_df) on Spark: the single-machine run's steps and audit records, executed by Spark.

Same order as :func:`privprep.engine.run` (open → detect → compile → ``started`` record → prep →
transform, check, write into a staging folder → ``finished`` record → rename), with the same
helpers for the key, the header, the files and the records. Row-local steps are the plan's
expressions per Arrow batch (:mod:`privprep.spark.batches`); global steps are two-phase
(:mod:`privprep.spark.stages`, the training-data steps' counts and dedupe in
:mod:`privprep.spark.prep`). DP releases and order-dependent dedupe are refused
(see :mod:`privprep.spark.rules`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from privprep.audit.record import (
    AuditInfo,
    CompileInfo,
    EngineInfo,
    OpenInfo,
    TableScrub,
    TransformInfo,
    WriteInfo,
    assemble,
    new_run_id,
    now,
    started,
)
from privprep.audit.sign import Signer
from privprep.audit.store import AuditLog
from privprep.checks import quasi_identifier_warnings
from privprep.drift.step import drift_step
from privprep.engine import (
    UNSIGNED,
    _append,
    _audit_path,
    _header,
    _intent,
    _master,
    _stage_files,
    record_failure,
)
from privprep.io.fingerprint import data_files, fingerprint_files, sha256_file
from privprep.io.source import Source
from privprep.plan import Plan, compile_plan
from privprep.policy.load import check_engine
from privprep.policy.model import Policy
from privprep.prep.step import prep_step
from privprep.profile import PROFILE_ROWS
from privprep.recovery import recover
from privprep.spark.batches import BatchPlan, ByPartition, Matches, map_batches, output_schema, shared
from privprep.spark.prep import (
    batch_schema,
    deduplicated,
    row_local,
    spark_measure,
    with_stratified_split,
)
from privprep.spark.schema import arrow_schema, polars_schema, spark_schema
from privprep.spark.session import require_pyspark, settings
from privprep.spark.stages import cells, check_columns, distinct_values, sample_source, to_polars
from privprep.spark.write import write_staged
from privprep.steps import (
    Stage,
    StepState,
    check_step,
    detect_findings,
    fault_point,
    output_info,
    profile_step,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from privprep.detect.table import Terms

@dataclass
class SparkResult:
    """What :func:`run` returns: the output frame (read back from the written folder, when written)."""

    run_id: str
    output_path: Path | None
    frame: DataFrame
    record: dict[str, Any]
    audit_log: Path
    releases: dict[str, pl.DataFrame] = dataclasses.field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return list(self.record["result"]["warnings"])


def run(
    policy: Policy,
    df: DataFrame,
    *,
    output: str | Path | None = None,
    key: str | bytes | None = None,
    audit_log: str | Path | None = None,
    input_path: str | Path | None = None,
    policy_path: str | Path | None = None,
    on_stage: Stage | None = None,
) -> SparkResult:
    """Execute ``policy`` on ``df`` with Spark; every outcome is appended to the audit log.

    ``output``: a folder of Parquet part files (renamed into place when the run succeeds);
    without it (and no ``output.path`` in the policy) the transformed frame is returned unwritten.
    ``input_path`` names the file ``df`` was read from, for the record and the collision checks.
    """
    pyspark = require_pyspark()
    run_id, started_at = new_run_id(), now()
    target = Path(output) if output is not None else Path(policy.output.path) if policy.output.path else None
    log = AuditLog(_audit_path(policy, target, audit_log))
    log.preflight()
    recovered = recover(log)
    state = StepState(run_id, policy, target, log.path, on_stage, [f"recovery: {line}" for line in recovered])
    partitions = df.rdd.getNumPartitions()
    state.engine = EngineInfo(name="spark", version=pyspark.__version__, partitions=partitions)
    path = Path(input_path) if input_path is not None else None
    header = _header(run_id, started_at, policy, None, None, None, path)  # type: ignore[arg-type]
    try:
        with settings(df.sparkSession):
            with state.step("open") as done:
                source = _open(df, path)
                done(OpenInfo(rows=source.rows, columns=len(source.schema)))
            sample = policy.detect.sample if policy.detect else 1000
            drawn = functools.cache(lambda: sample_source(df, source.schema, source.rows or 0, sample))
            deferred = pl.defer(lambda: drawn().frame.collect(), schema=source.schema)  # drawn if needed
            findings = detect_findings(state, dataclasses.replace(source, frame=deferred))
            with state.step("compile") as done:
                check_engine(policy, "spark")  # what the policy asks that Spark cannot run
                plan = compile_plan(policy, source.schema, findings)
                state.warnings.extend(plan.warnings)
                state.warnings.extend(quasi_identifier_warnings(policy, plan.columns, findings))
                master = _master(policy, key, plan.needs_key, source)
                if master is not None:
                    log.signer = Signer.from_master(master)
                else:
                    state.warnings.append(UNSIGNED)
                header = _header(run_id, started_at, policy, source, plan, master, path)  # type: ignore[arg-type]
                staged, outputs = plan.projection(master)
                batch_in = batch_schema(plan.prep, source.schema)
                out_schema = output_schema(batch_in, staged, outputs, *row_local(plan.prep, master))
                spark_out = spark_schema(out_schema)
                _stage_files(state, source, key, policy_path, None)
                outputs_n = len(state.files)
                done(CompileInfo(columns_out=len(outputs), needs_key=plan.needs_key, outputs=outputs_n))
            with state.step("audit") as done:
                sealed = _append(log, started(header, _intent(state)))
                state.audit_head = sealed["hash"]
                done(AuditInfo(started_hash=sealed["hash"]))
            try:
                rows = with_stratified_split(deduplicated(df, plan.prep), plan.prep, master)  # lazy
                measured = spark_measure(source.rows or 0, rows)
                prep_step(state, plan.prep, source.frame, master, path, measured)  # may refuse: none written
                batches, terms = _batch_plan(state, plan, df, source, master, spark_out)
                frame = _execute(state, df, rows, source, batches, terms, spark_out, (plan, master))
                fault_point("finished:before")
                record = _append(log, assemble(header, state.outcome()))
                fault_point("finished:after")
            except BaseException:
                state.discard_temp_files()
                raise
            state.commit_files()
    except BaseException as exc:
        if (shown := record_failure(log, header, state, exc)) is not exc:
            raise shown from None
        raise
    if target is not None:
        frame = df.sparkSession.read.parquet(str(target))
    return SparkResult(run_id, target, frame, record, log.path)


def _open(df: DataFrame, path: Path | None) -> Source:
    """The input's schema (as the batches will see it) and row count; the frame is filled in later."""
    schema, frame, rows = polars_schema(df.schema), pl.LazyFrame(schema=polars_schema(df.schema)), df.count()
    if path is None or not path.exists():
        return Source(frame, schema, None, rows, None)
    if path.is_file():
        return Source(frame, schema, path, rows, sha256_file(path), "parquet", paths=(path,))
    files = data_files(path)  # a folder: every file recorded, as the one-process reader does
    shown, digest = fingerprint_files(path, files)
    return Source(frame, schema, path, rows, digest, "parquet", shown, tuple(files))


def _input_head(df: DataFrame, source: Source) -> pl.LazyFrame:
    """The input rows the profile reads: straight from the input file when Polars reads it with the
    schema Spark does (the CLI's case), else the first rows through Spark (collected once)."""
    path = source.path
    files = [path] if path is not None and path.is_file() else sorted(path.glob("*.parquet")) if path else []
    if files:
        try:
            frame = pl.scan_parquet(files)
            if frame.collect_schema() == source.schema:
                return frame
        except (pl.exceptions.PolarsError, OSError):
            pass  # not a layout Polars reads alike: through Spark
    return to_polars(df.limit(PROFILE_ROWS), source.schema).lazy()


def _batch_plan(
    state: StepState, plan: Plan, df: DataFrame, source: Source, master: Any, spark_out: Any
) -> tuple[BatchPlan, dict[str, Terms]]:
    """The projection the batches run; scrubbed columns first get the table's distinct values
    (returned too: the record's match counts are theirs, summed over the tasks)."""
    staged, outputs = plan.projection(master)
    terms: dict[str, Terms] = {}
    if any(plan.text_sources.values()):
        from privprep.detect.table import collect_terms

        names = sorted({s.name for sources in plan.text_sources.values() for s in sources})
        with state.step("transform"):
            terms, warnings = collect_terms(plan, distinct_values(df, source.schema, names), master)
        state.warnings.extend(warnings)
        staged, outputs = plan.projection(master, terms)
    steps, added = row_local(plan.prep, master)
    tallies = {column: shared(t) for column, t in terms.items()}
    schema, target = batch_schema(plan.prep, source.schema), arrow_schema(spark_out)
    return BatchPlan(schema, staged, outputs, target, None, steps, added, tallies), terms


def _execute(
    state: StepState,
    df: DataFrame,
    rows: DataFrame,
    source: Source,
    batches: BatchPlan,
    terms: dict[str, Terms],
    spark_out: Any,
    keyed: tuple[Plan, Any],
) -> DataFrame:
    """Check (counts on Spark, decision here), then write the projection with the suppression applied.

    ``rows``: the input after dedupe (what the batches run on); ``df``: the input (the checks'
    baseline, the profile's input side); ``keyed``: the plan and key (drift's binning).
    """
    out_schema = output_schema(batches.schema, batches.staged, batches.outputs, batches.steps, batches.added)
    if state.policy.checks:
        transformed, _ = map_batches(rows, batches, spark_out)
        wanted = check_columns(state.policy.checks)
        found = [c for c in wanted if c in out_schema]  # a missing one: run_checks names it
        before = [c for c in wanted if c in source.schema]
        outcome = check_step(
            state,
            cells(transformed, found, out_schema),
            cells(df, before, source.schema) if before else None,
        )
        batches = dataclasses.replace(batches, suppress=outcome.suppress)
    if state.target is None:
        frame, _ = map_batches(rows, batches, spark_out)
        with state.step("transform") as done:
            done(TransformInfo(rows=None))
        return frame
    spark = df.sparkSession.sparkContext
    digests, matches = spark.accumulator({}, ByPartition()), spark.accumulator({}, ByPartition())
    frame, _ = map_batches(rows, batches, spark_out, digests, matches)
    tmp = state.temp_for("output")
    with state.step("write") as done:
        parts, total = write_staged(frame, tmp, digests)
        done(WriteInfo(files=len(parts), rows=total.rows))
    state.output = output_info(state.target, tmp, total.text)
    if terms and set(matches.value) == set(range(len(matches.value))):  # every task's counts (0..n-1)
        state.scrub = {column: _scrub_record(t, matches.value, column) for column, t in terms.items()}
    written = pl.scan_parquet(parts) if parts else pl.LazyFrame(schema=out_schema)
    profile_step(state, _input_head(df, source), written)
    plan, master = keyed
    drift_step(state, plan, written, master, source.path)
    return frame


def _scrub_record(terms: Terms, matches: dict[int, Matches], column: str) -> TableScrub:
    """One scrubbed column's record, with the match counts its tasks counted."""
    terms.counts = sum((Counter(task[column]) for task in matches.values()), Counter())
    return TableScrub.model_validate(terms.record())
