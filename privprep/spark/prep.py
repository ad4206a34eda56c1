"""The training-data steps on Spark: Spark dedupes, labels and the split run per batch, counts in two phases.

- dedupe: ``keep: none`` keeps the rows alone in their group (a Spark window count over the
  compared columns; near-duplicates compare by normalized stand-in columns, computed per batch by
  the same expressions); ``keep: first|last`` with ``on: all`` and no ``normalize`` is Spark's
  ``dropDuplicates()`` (the rows of a group are then equal, so which one is kept does not matter).
  Other ``first|last`` forms are refused: they keep a row by input order, which a Spark frame has not.
- label mapping and an unstratified split: row-local expressions of the plan, in the batch plan.
- a stratified split in two phases: per batch each row's entity, class and keyed position; Spark
  picks each entity's class (its most frequent label, ties to the alphabetically first), ranks the
  entities within their class and joins each entity's split (cut by the same expression) back on.
- counts for the record: each batch is grouped by derived facts in Polars (the single-machine
  expressions), Spark sums the groups, the driver builds the record with the single-machine code
  and decides (``unknown: fail`` stops the run here, before anything is written).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from privprep.keys import MasterKey
from privprep.prep.dedupe import comparison
from privprep.prep.labels import FACTS, count_facts, unknown_spelling
from privprep.prep.plan import PrepPlan, split_key
from privprep.prep.records import PrepRecord
from privprep.prep.split import assign, split_expr, unit_hash
from privprep.prep.step import Measure, prep_record, split_tally
from privprep.spark.batches import BatchPlan, BatchTally, Steps, map_batches, output_schema
from privprep.spark.schema import arrow_schema, polars_schema, spark_schema
from privprep.spark.stages import to_polars

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

GROUP_ROWS = "__privprep_group_rows"
CLASS, HASH, VOTES = "__privprep_class", "__privprep_hash", "__privprep_votes"
ENTITY, POSITION = "__privprep_entity", "__privprep_position"
def row_local(prep: PrepPlan | None, key: MasterKey | None) -> tuple[Steps, tuple[str, ...]]:
    """The batch plan's prep steps (label columns, the split) and the columns they add."""
    if prep is None:
        return (), ()
    return tuple(prep.row_steps(key)), tuple(prep.added)


def deduplicated(df: DataFrame, prep: PrepPlan | None) -> DataFrame:
    """``df`` without duplicates as :func:`privprep.prep.dedupe.deduplicate` drops them (forms that
    :func:`privprep.spark.rules.spark_problems` let through)."""
    spec = prep.dedupe if prep is not None else None
    if prep is None or spec is None:
        return df
    if spec.keep != "none":  # on: all, no normalize: the duplicates are equal rows
        return df.dropDuplicates()
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    stand_ins, compared = comparison(spec, prep.subset)
    rows = df
    if stand_ins:
        rows = _mapped(df, [pl.all(), *(expr.alias(name) for name, expr in stand_ins.items())])
    counted = rows.withColumn(GROUP_ROWS, F.count(F.lit(1)).over(Window.partitionBy(*compared)))
    return counted.where(F.col(GROUP_ROWS) == 1).drop(GROUP_ROWS, *stand_ins)


def _stratified(prep: PrepPlan | None) -> bool:
    return prep is not None and prep.split is not None and prep.split.stratify is not None


def batch_schema(prep: PrepPlan | None, schema: pl.Schema) -> pl.Schema:
    """The schema the batches get: the input's, plus a stratified split's column (joined on by Spark)."""
    if not _stratified(prep):
        return schema
    assert prep is not None and prep.split is not None
    return pl.Schema({**schema, prep.split.column: pl.String()})


def with_stratified_split(rows: DataFrame, prep: PrepPlan | None, key: MasterKey | None) -> DataFrame:
    """``rows`` with a stratified split's column, as :func:`privprep.prep.split.with_split` assigns it
    (``rows`` unchanged for other splits: theirs is computed per batch)."""
    if not _stratified(prep):
        return rows
    assert prep is not None and prep.split is not None and prep.split.stratify is not None
    spec, label = prep.split, prep.split.stratify
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    hashed = unit_hash(pl.col(spec.by), split_key(key), spec).alias(HASH)
    facts = [pl.col(spec.by), pl.col(label).alias(CLASS), hashed]
    per_row = _mapped(rows, facts, tuple(prep.row_steps(key)))  # after the labels: classes are mapped
    per_row = per_row.where(F.col(spec.by).isNotNull())
    labelled = per_row.where(F.col(CLASS).isNotNull())
    votes = labelled.groupBy(spec.by, CLASS).agg(F.count(F.lit(1)).alias(VOTES))
    most = Window.partitionBy(spec.by).orderBy(F.col(VOTES).desc(), F.col(CLASS).asc())  # ties: the first
    classes = votes.withColumn(VOTES, F.row_number().over(most)).where(F.col(VOTES) == 1).drop(VOTES)
    entities = per_row.groupBy(spec.by).agg(F.first(HASH).alias(HASH)).join(classes, on=spec.by, how="left")
    rank = F.row_number().over(Window.partitionBy(CLASS).orderBy(HASH))
    size = F.count(F.lit(1)).over(Window.partitionBy(CLASS))
    ranked = entities.select(F.col(spec.by).alias(ENTITY), ((rank - 0.5) / size).alias(POSITION))
    assigned = _mapped(ranked, [pl.col(ENTITY), assign(pl.col(POSITION), spec).alias(spec.column)])
    return rows.join(assigned, rows[spec.by] == assigned[ENTITY], "left").drop(ENTITY)


def _mapped(df: DataFrame, exprs: list[pl.Expr], steps: Steps = ()) -> DataFrame:
    """``df`` through ``steps``, then ``exprs``, per batch."""
    schema = polars_schema(df.schema)
    out = spark_schema(output_schema(schema, {}, exprs, steps))
    return map_batches(df, BatchPlan(schema, {}, exprs, arrow_schema(out), None, steps), out)[0]


def tallied(df: DataFrame, columns: list[pl.Expr], by: list[str], aggs: list[pl.Expr]) -> DataFrame:
    """First phase: each batch of ``df`` grouped by ``by`` (derived by ``columns``) with ``aggs``."""
    schema = polars_schema(df.schema)
    tally = BatchTally(schema, columns, by, aggs, pa.schema([]))
    out = spark_schema(tally.lazy(pl.LazyFrame(schema=schema)).collect_schema())
    return map_batches(df, dataclasses.replace(tally, target=arrow_schema(out)), out)[0]


def summed(df: DataFrame, columns: list[pl.Expr], by: list[str], aggs: list[pl.Expr]) -> pl.DataFrame:
    """Both phases: the per-batch groups of :func:`tallied`, summed again by Spark, on the driver."""
    from pyspark.sql import functions as F

    groups = tallied(df, columns, by, aggs)
    sums = [F.sum(name).alias(name) for name in groups.columns if name not in by]
    return to_polars(groups.groupBy(*by).agg(*sums))


def spark_measure(rows_in: int, deduped: DataFrame) -> Measure:
    """The prep step's counts on Spark (``rows_in``: the input's rows; ``deduped``: after dedupe)."""
    from pyspark.sql import functions as F

    def measure(prep: PrepPlan, frame: pl.LazyFrame, key: MasterKey | None, k: int) -> PrepRecord:
        rows_out = deduped.count() if prep.dedupe is not None else rows_in
        labels = []
        for mapping in prep.labels.values():
            grouped = summed(deduped, count_facts(mapping), list(FACTS), [pl.len().alias("n")])
            spellings = tallied(deduped, [unknown_spelling(mapping)], ["unknown"], [pl.len().alias("n")])
            unknown = spellings.where(F.col("unknown").isNotNull()).select("unknown").distinct().count()
            labels.append((grouped, unknown))
        split = None
        if (spec := prep.split) is not None and spec.stratify is not None:  # per row, as on one machine
            counted = [F.count(F.lit(1)).alias("rows"), F.countDistinct(spec.by).alias("ids")]
            split = to_polars(deduped.groupBy(spec.column).agg(*counted))
        elif spec is not None:
            entities = deduped.groupBy(spec.by).count().withColumnRenamed("count", "n")
            split = summed(entities, [split_expr(spec, split_key(key))], [spec.column], split_tally(spec))
        return prep_record(prep, rows_in, rows_out, labels, split, k)

    return measure
