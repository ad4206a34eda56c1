"""Writing on Spark: part files into the run's staging folder, and the content digest of what landed.

The folder is the run's temp path (named in its ``started`` record); the engine renames it onto
the output path only after the ``finished`` record is appended, so a failed job leaves nothing
there. The digest is summed by the write's own tasks (per batch, one entry per partition, so a
retried task is counted once), with the same function the single-machine engine and ``audit
verify`` use; ``audit verify`` recomputes it from the written files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from privprep.digest import Partial, partial
from privprep.errors import ReasonCode, fail

if TYPE_CHECKING:
    from pyspark import Accumulator
    from pyspark.sql import DataFrame

PARTIAL_SCHEMA = "rows long, low long, high long"


def _partials(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    total = Partial()
    for batch in batches:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        total += partial(frame)
    yield pa.RecordBatch.from_pydict({"rows": [total.rows], "low": [total.low], "high": [total.high]})


def folder_partial(df: DataFrame) -> Partial:
    """The digest sums of ``df``'s rows, computed on the executors (one line per task)."""
    total = Partial()
    for row in df.mapInArrow(_partials, PARTIAL_SCHEMA).collect():
        total += Partial(row["rows"], row["low"], row["high"])
    return total


def write_staged(
    frame: DataFrame, tmp: Path, digests: Accumulator[dict[int, Partial]] | None = None
) -> tuple[list[Path], Partial]:
    """Write ``frame`` as Parquet part files into the folder ``tmp``; returns them and their digest sums.

    ``digests``: the sums the write's own tasks accumulated per partition (see
    :func:`privprep.spark.batches.map_batches`); when some partition is missing from them, the
    sums are computed from the written files instead.
    """
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(ReasonCode.OUTPUT_FAILED, f"cannot create the folder of {tmp}: {exc.strerror}") from None
    frame.write.mode("errorifexists").parquet(str(tmp))
    for checksum in tmp.glob(".*.crc"):  # Hadoop's local checksums: other readers trip over them
        checksum.unlink()
    parts = sorted(tmp.glob("*.parquet"))
    if digests is not None and len(digests.value) == frame.rdd.getNumPartitions():
        return parts, sum(digests.value.values(), Partial())
    total = folder_partial(frame.sparkSession.read.parquet(str(tmp))) if parts else Partial()
    return parts, total
