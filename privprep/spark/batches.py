"""Row-local steps per Arrow batch: the plan's own Polars expressions inside ``mapInArrow``.

The driver pickles a :class:`BatchPlan` (the compiled expressions, whose derived keys and pools
are literals inside them, plus any broadcast decision such as the classes to suppress) into
a Spark broadcast variable. A task's closure holds only the broadcast's id, so neither the key
nor anything derived from it is in the Spark plan, ``explain()``, the UI or the event log.
Each Python worker unpickles a plan once and reuses it for every batch of every task.
"""

from __future__ import annotations

import pickle
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl
import pyarrow as pa

from privprep.digest import Partial, partial

if TYPE_CHECKING:
    from pyspark import Accumulator, Broadcast
    from pyspark.sql import DataFrame

Suppress = Callable[[pl.LazyFrame], pl.LazyFrame]
Steps = tuple[list[pl.Expr], ...]  # the row-local prep steps, one with_columns each
Matches = dict[str, dict[str, int]]  # scrubbed column -> source column -> rows matched
_LOADED: dict[str, Batched] = {}  # per Python worker: plan token -> unpickled plan
_COUNTS: dict[str, SharedCounts] = {}  # per Python worker: tally token -> the scrub matches counted


class BatchFailed(RuntimeError):
    """A batch's error as an executor reports it: the library's message (which may quote a value) left out."""


class Batched(Protocol):
    """What a task runs per batch: a Polars frame out of each Arrow batch, and its Arrow schema."""

    target: pa.Schema

    def frame(self, batch: pa.RecordBatch | pa.Table) -> pl.DataFrame: ...


def as_polars(batch: pa.RecordBatch | pa.Table, schema: pl.Schema) -> pl.DataFrame:
    """``batch`` as a Polars frame of ``schema`` (a Spark type may read back as another Arrow width)."""
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    return frame if frame.schema == schema else frame.cast(dict(schema))


def project(
    frame: pl.LazyFrame,
    steps: Steps,
    staged: dict[str, pl.Expr],
    outputs: list[pl.Expr],
    added: tuple[str, ...],
) -> pl.LazyFrame:
    """The row-local prep ``steps`` (labels, split), then the projection, then the ``added`` columns."""
    for exprs in steps:
        frame = frame.with_columns(exprs)
    return frame.with_columns(**staged).select(*outputs, *added)


@dataclass(frozen=True)
class BatchPlan:
    """What every batch runs: the row-local prep steps and the projection, then (when the checks
    decided so) the suppression. ``tallies``: scrubbed column → the token of its match counts."""

    schema: pl.Schema  # the input the expressions were compiled against
    staged: dict[str, pl.Expr]
    outputs: list[pl.Expr]
    target: pa.Schema  # the Arrow schema Spark expects back
    suppress: Suppress | None = None
    steps: Steps = ()
    added: tuple[str, ...] = ()
    tallies: dict[str, str] = field(default_factory=dict)

    def frame(self, batch: pa.RecordBatch | pa.Table) -> pl.DataFrame:
        """One batch through the plan, as a Polars frame (also what the tests compare)."""
        out = project(as_polars(batch, self.schema).lazy(), self.steps, self.staged, self.outputs, self.added)
        if self.suppress is not None:
            out = self.suppress(out)
        return out.collect()


@dataclass(frozen=True)
class BatchTally:
    """A partial aggregation per batch (the first phase of a count): ``columns`` derived per row,
    rows grouped by ``by``, ``aggs`` (sums, cast to Int64) per group. Spark sums the groups again."""

    schema: pl.Schema
    columns: list[pl.Expr]
    by: list[str]
    aggs: list[pl.Expr]
    target: pa.Schema

    def lazy(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        grouped = frame.with_columns(self.columns).group_by(self.by)
        return grouped.agg(agg.cast(pl.Int64) for agg in self.aggs)

    def frame(self, batch: pa.RecordBatch | pa.Table) -> pl.DataFrame:
        return self.lazy(as_polars(batch, self.schema).lazy()).collect()


def output_schema(
    schema: pl.Schema,
    staged: dict[str, pl.Expr],
    outputs: list[pl.Expr],
    steps: Steps = (),
    added: tuple[str, ...] = (),
) -> pl.Schema:
    """The dtypes the projection produces (resolved on an empty frame: no data read)."""
    return project(pl.LazyFrame(schema=schema), steps, staged, outputs, added).collect_schema()


class SharedCounts(Counter[str]):
    """A scrubber's match counts that unpickle as the worker's one counter for ``token``: every copy
    of a scrubbed column's terms in a Python worker counts into it, and a task reads how much it grew."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def __reduce__(self) -> Any:
        return shared_counts, (self.token,)


def shared_counts(token: str) -> SharedCounts:
    """The worker's counter for ``token``."""
    return _COUNTS.setdefault(token, SharedCounts(token))


def shared(terms: Any) -> str:
    """Give a scrubbed column's terms (:class:`privprep.detect.table.Terms`) counts that every
    unpickled copy shares per worker; returns their token."""
    token = uuid.uuid4().hex
    terms.counts = SharedCounts(token)
    return token


class ByPartition:
    """Accumulator param (pyspark's ``AccumulatorParam`` protocol): digest sums keyed by partition,
    so a retried task sets its partition's sums again, never adds them twice."""

    def zero(self, value: dict[int, Partial]) -> dict[int, Partial]:
        return {}

    def addInPlace(self, left: dict[int, Partial], right: dict[int, Partial]) -> dict[int, Partial]:
        left.update(right)
        return left


def _loaded(token: str, handle: Broadcast[bytes]) -> Batched:
    """The worker's unpickled plan. A module function, so a task's closure references the cache and
    never carries it (cloudpickle ships a closure's globals by value)."""
    plan = _LOADED.get(token)
    if plan is None:
        plan = _LOADED[token] = pickle.loads(handle.value)
    return plan


def _matched(tallies: dict[str, str], since: dict[str, Counter[str]]) -> Matches:
    """How many matches each scrubbed column counted since ``since`` (this task's share)."""
    return {column: dict(shared_counts(token) - since[column]) for column, token in tallies.items()}


def _runner(
    handle: Broadcast[bytes],
    digests: Accumulator[dict[int, Partial]] | None,
    matches: Accumulator[dict[int, Matches]] | None = None,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function a task runs; its closure is the broadcast handle and a random token naming it."""
    token = uuid.uuid4().hex

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        plan = _loaded(token, handle)
        tallies: dict[str, str] = getattr(plan, "tallies", {}) if matches is not None else {}
        since = {column: Counter(shared_counts(t)) for column, t in tallies.items()}
        total = Partial()
        for batch in batches:
            try:
                frame = plan.frame(batch)
                out = frame.to_arrow().cast(plan.target).to_batches()
            except Exception as exc:  # Spark logs a task's error in full: its type only, never a value
                raise BatchFailed(f"a batch failed ({type(exc).__name__})") from None
            if digests is not None:
                total += partial(frame)
            yield from out
        # the whole partition went through: its sums, once per partition (a retry replaces them)
        if digests is not None or matches is not None:
            from pyspark import TaskContext

            partition = TaskContext.get().partitionId()  # type: ignore[union-attr]
            if digests is not None:
                digests.add({partition: total})
            if matches is not None:
                matches.add({partition: _matched(tallies, since)})

    run.__name__ = run.__qualname__ = "privprep_batches"  # what explain() and the UI show
    return run


def map_batches(
    df: DataFrame,
    plan: Batched,
    spark_schema: Any,
    digests: Accumulator[dict[int, Partial]] | None = None,
    matches: Accumulator[dict[int, Matches]] | None = None,
) -> tuple[DataFrame, Broadcast[bytes]]:
    """``df`` through ``plan`` on the executors; returns the frame and the broadcast (to destroy later).

    ``digests`` and ``matches`` (accumulators of :class:`ByPartition`) collect each partition's
    digest sums and scrub match counts.
    """
    handle = df.sparkSession.sparkContext.broadcast(pickle.dumps(plan))
    return df.mapInArrow(_runner(handle, digests, matches), spark_schema), handle
