"""Progress of a run, as counts: ``apply(..., progress=callback)`` receives :class:`Progress` events.

Events come at the start of each step (``done=0``), per column sampled while detecting, and per
batch of rows while the output is written (scrubbed text columns are processed in that pass, so
its stage is ``scrub`` when the plan scrubs). Counting rows adds a pass-through step to the
streaming pipeline only when a callback is given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` (``None``: unknown, e.g. a CSV's rows) ``unit`` in ``stage``."""

    stage: str
    done: int
    total: int | None = None
    unit: str = "rows"


ProgressCallback = Callable[[Progress], None]


def counting(
    frame: pl.LazyFrame, callback: ProgressCallback | None, stage: str, total: int | None
) -> pl.LazyFrame:
    """``frame`` reporting the rows that stream through it (unchanged without a callback)."""
    if callback is None:
        return frame
    lock, done = threading.Lock(), [0]

    def count(batch: pl.DataFrame) -> pl.DataFrame:
        with lock:  # batches may arrive from several threads
            done[0] += batch.height
            callback(Progress(stage, done[0], total))
        return batch

    return frame.map_batches(count, streamable=True, schema=frame.collect_schema())
