"""The ``prep`` step of a run: one counting pass over the input for the audit, before anything is
written; it refuses unknown labels under ``unknown: fail`` and notes a changed taxonomy version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from privprep.errors import ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.model import Policy
from privprep.policy.prep import SplitSpec
from privprep.prep.dedupe import deduplicate
from privprep.prep.labels import count_query, label_counts
from privprep.prep.plan import PrepPlan, split_key
from privprep.prep.records import DedupeCounts, PrepInfo, PrepRecord, SplitCounts
from privprep.prep.split import with_split

if TYPE_CHECKING:
    from privprep.steps import StepState

DEFAULT_K = 10
Measure = Callable[[PrepPlan, pl.LazyFrame, MasterKey | None, int], PrepRecord]


def report_k(policy: Policy) -> int:
    """The policy's k: below it the report shows a count as ``< k`` (k-anonymity's k, else drift's)."""
    checks = policy.checks
    if checks is not None and checks.k_anonymity is not None:
        return checks.k_anonymity.k
    if checks is not None and checks.drift is not None:
        return checks.drift.k
    return DEFAULT_K


def measure(prep: PrepPlan, frame: pl.LazyFrame, key: MasterKey | None, k: int) -> PrepRecord:
    """Counts of every prep step on ``frame`` (the input): one batch of streaming queries, no values."""
    deduped = deduplicate(frame, prep.dedupe, prep.subset) if prep.dedupe else frame
    queries = [frame.select(pl.len()), deduped.select(pl.len())]
    for mapping in prep.labels.values():
        queries += count_query(mapping, deduped)
    results = pl.collect_all(queries, engine="streaming")
    labels = [(results[2 + 2 * i], results[3 + 2 * i].item()) for i in range(len(prep.labels))]
    # on its own: a stratified split's join, batched with the others, can fail Polars' plan
    # (SchemaFieldNotFoundError on the entity column, polars 1.36.1, multi-chunk Parquet input)
    split = _split_query(prep, frame, deduped, key).collect(engine="streaming") if prep.split else None
    return prep_record(prep, results[0].item(), results[1].item(), labels, split, k)


def prep_record(
    prep: PrepPlan,
    rows_in: int,
    rows_out: int,
    labels: list[tuple[pl.DataFrame, int]],
    split: pl.DataFrame | None,
    k: int,
) -> PrepRecord:
    """The record from the counts, however an engine computed them: ``labels`` per label column
    (rows per :data:`~privprep.prep.labels.FACTS`, distinct unknowns), ``split`` rows and
    entities per split (:func:`split_tally`)."""
    counted = {
        name: label_counts(mapping, grouped, unknown, k)
        for (name, mapping), (grouped, unknown) in zip(prep.labels.items(), labels, strict=True)
    }
    dedupe = None
    if (spec := prep.dedupe) is not None:
        dedupe = DedupeCounts(
            on=spec.on, keep=spec.keep, normalized=list(spec.normalize), rows_in=rows_in, rows_out=rows_out
        )
    return PrepRecord(
        rows_in=rows_in,
        rows_out=rows_out,
        dedupe=dedupe,
        labels=counted,
        split=_split_counts(prep, split) if split is not None else None,
    )


def split_tally(spec: SplitSpec) -> list[pl.Expr]:
    """Per split, over a table of entities with their row counts ``n``: rows and (non-null) entities."""
    return [pl.col("n").sum().alias("rows"), pl.col(spec.by).is_not_null().sum().alias("ids")]


def _split_query(
    prep: PrepPlan, frame: pl.LazyFrame, deduped: pl.LazyFrame, key: MasterKey | None
) -> pl.LazyFrame:
    """Rows and entities per split; unstratified, each entity is hashed once (not once per row)."""
    spec = prep.split
    assert spec is not None
    if spec.stratify is not None:
        per_row = prep.apply(frame, key).group_by(spec.column)
        return per_row.agg(pl.len().alias("rows"), pl.col(spec.by).n_unique().alias("ids"))
    entities = deduped.group_by(spec.by).agg(pl.len().alias("n"))
    entities = with_split(entities, spec, split_key(key), None)
    return entities.group_by(spec.column).agg(split_tally(spec))


def _split_counts(prep: PrepPlan, table: pl.DataFrame) -> SplitCounts:
    spec = prep.split
    assert spec is not None
    per = {row[spec.column]: row for row in table.iter_rows(named=True)}
    names = list(spec.fractions)
    return SplitCounts(
        by=spec.by,
        column=spec.column,
        seed_domain=spec.seed_domain,
        stratify=spec.stratify,
        fractions=spec.fractions,
        rows={n: per[n]["rows"] if n in per else 0 for n in names},
        entities={n: per[n]["ids"] if n in per else 0 for n in names},
        rows_without_entity=per[None]["rows"] if None in per else 0,
    )


def prep_step(state: StepState, prep: PrepPlan | None, frame: pl.LazyFrame, key: MasterKey | None,
              input_path: Path | None, measured: Measure = measure) -> None:  # fmt: skip
    """Measure the prep steps into ``state.prep``; fail on unknown labels that may not pass.

    ``measured``: how the counts are computed (the Spark engine passes its own two-phase counting).
    """
    if prep is None:
        return
    with state.step("prep") as done:
        record = measured(prep, frame, key, report_k(state.policy))
        record = _with_previous_versions(state, record, input_path)
        state.prep = record
        unknown = sum(c.unknown for c in record.labels.values())
        done(PrepInfo(rows_in=record.rows_in, rows_out=record.rows_out, labels=len(record.labels),
                      unknown_labels=unknown))  # fmt: skip
        if record.dedupe is not None and record.dedupe.removed:
            state.warnings.append(f"dedupe removed {record.dedupe.removed} duplicate row(s)")
        refused = {n: c.unknown for n, c in record.labels.items() if c.unknown and c.unknown_action == "fail"}
        if refused:
            listed = ", ".join(f"{n!r}: {count} row(s)" for n, count in refused.items())
            raise fail(
                ReasonCode.LABEL_UNKNOWN,
                f"label values that no class or map entry names ({listed}); add them to map,"
                " or set unknown: null or other:<class>",
            )


def _with_previous_versions(state: StepState, record: PrepRecord, input_path: Path | None) -> PrepRecord:
    """Note each label column's taxonomy version in the previous run of this dataset; warn on a change."""
    from privprep.drift.history import previous_run

    if not record.labels:
        return record
    previous = previous_run(state.log_path, state.policy.name, str(input_path) if input_path else None)
    before: dict[str, Any] = ((previous or {}).get("result") or {}).get("prep") or {}
    labels = {}
    for name, counts in record.labels.items():
        old = (before.get("labels") or {}).get(name)
        version = old.get("taxonomy_version") if isinstance(old, dict) else None
        if old is not None and version != counts.taxonomy_version:
            run = (previous or {}).get("run_id")
            state.warnings.append(
                f"label column {name!r}: taxonomy version {counts.taxonomy_version} differs from"
                f" {version} in the previous run {run} of this dataset"
            )
        labels[name] = counts.model_copy(update={"previous_taxonomy_version": version})
    return record.model_copy(update={"labels": labels})
