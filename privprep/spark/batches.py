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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from privprep.digest import Partial, partial

if TYPE_CHECKING:
    from pyspark import Accumulator, Broadcast
    from pyspark.sql import DataFrame

Suppress = Callable[[pl.LazyFrame], pl.LazyFrame]
_LOADED: dict[str, BatchPlan] = {}  # per Python worker: plan token -> unpickled plan


class BatchFailed(RuntimeError):
    """A batch's error as an executor reports it: the library's message (which may quote a value) left out."""


@dataclass(frozen=True)
class BatchPlan:
    """What every batch runs: the projection, then (when the checks decided so) the suppression."""

    schema: pl.Schema  # the input the expressions were compiled against
    staged: dict[str, pl.Expr]
    outputs: list[pl.Expr]
    target: pa.Schema  # the Arrow schema Spark expects back
    suppress: Suppress | None = None

    def frame(self, batch: pa.RecordBatch | pa.Table) -> pl.DataFrame:
        """One batch through the plan, as a Polars frame (also what the tests compare)."""
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        if frame.schema != self.schema:  # e.g. a Spark type read back as another Arrow width
            frame = frame.cast(dict(self.schema))
        out = frame.lazy().with_columns(**self.staged).select(self.outputs)
        if self.suppress is not None:
            out = self.suppress(out)
        return out.collect()


def output_schema(schema: pl.Schema, staged: dict[str, pl.Expr], outputs: list[pl.Expr]) -> pl.Schema:
    """The dtypes the projection produces (resolved on an empty frame: no data read)."""
    return pl.LazyFrame(schema=schema).with_columns(**staged).select(outputs).collect_schema()


class ByPartition:
    """Accumulator param (pyspark's ``AccumulatorParam`` protocol): digest sums keyed by partition,
    so a retried task sets its partition's sums again, never adds them twice."""

    def zero(self, value: dict[int, Partial]) -> dict[int, Partial]:
        return {}

    def addInPlace(self, left: dict[int, Partial], right: dict[int, Partial]) -> dict[int, Partial]:
        left.update(right)
        return left


def _loaded(token: str, handle: Broadcast[bytes]) -> BatchPlan:
    """The worker's unpickled plan. A module function, so a task's closure references the cache and
    never carries it (cloudpickle ships a closure's globals by value)."""
    plan = _LOADED.get(token)
    if plan is None:
        plan = _LOADED[token] = pickle.loads(handle.value)
    return plan


def _runner(
    handle: Broadcast[bytes], digests: Accumulator[dict[int, Partial]] | None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function a task runs; its closure is the broadcast handle and a random token naming it."""
    token = uuid.uuid4().hex

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        plan = _loaded(token, handle)
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
        if digests is not None:  # the whole partition went through: its sums, once per partition
            from pyspark import TaskContext

            digests.add({TaskContext.get().partitionId(): total})  # type: ignore[union-attr]

    run.__name__ = run.__qualname__ = "privprep_batches"  # what explain() and the UI show
    return run


def map_batches(
    df: DataFrame, plan: BatchPlan, spark_schema: Any, digests: Accumulator[dict[int, Partial]] | None = None
) -> tuple[DataFrame, Broadcast[bytes]]:
    """``df`` through ``plan`` on the executors; returns the frame and the broadcast (to destroy later).

    ``digests`` (an accumulator of :class:`ByPartition`) collects each partition's digest sums.
    """
    handle = df.sparkSession.sparkContext.broadcast(pickle.dumps(plan))
    return df.mapInArrow(_runner(handle, digests), spark_schema), handle
