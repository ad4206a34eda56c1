"""The Spark side of privprep: importing pyspark with a clear error, a local session, session settings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from privprep.errors import ReasonCode, fail

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SETTINGS = {
    # Spark's Arrow batches carry timestamps in the session time zone; UTC matches Parquet's instants.
    "spark.sql.session.timeZone": "UTC",
    # INT96 (Spark's default) would read back as another dtype than the single-machine output.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
"""Session settings every privprep run needs; set for the run and restored after it."""

DEFAULTS = {
    # Rows per Arrow batch handed to the plan (Spark's default: 10,000). Larger batches spread the
    # per-batch costs (JVM↔Python framing, Polars query planning) over more rows: bench_spark.py.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
}
"""Settings a run uses unless the session sets them itself (then the session's value wins)."""


def require_pyspark() -> Any:
    """The pyspark module, or a user error saying how to install it."""
    try:
        import pyspark
    except ImportError:
        raise fail(
            ReasonCode.POLICY_INVALID,
            "the Spark engine needs pyspark 4: pip install 'privprep[spark]' (and Java 17)",
        ) from None
    return pyspark


def local_session(master: str = "local[2]") -> SparkSession:
    """A Spark session on ``master`` without the web UI (the CLI's ``--engine spark``)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("privprep")
    for name, value in {"spark.ui.enabled": "false", **SETTINGS}.items():
        builder = builder.config(name, value)
    return builder.getOrCreate()


@contextlib.contextmanager
def settings(spark: SparkSession) -> Iterator[None]:
    """Apply :data:`SETTINGS` (and :data:`DEFAULTS` the session does not set) to ``spark`` for the
    duration of a run, then restore the caller's."""
    before = {name: spark.conf.get(name, None) for name in [*SETTINGS, *DEFAULTS]}
    wanted = SETTINGS | {name: value for name, value in DEFAULTS.items() if before[name] is None}
    for name, value in wanted.items():
        spark.conf.set(name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                spark.conf.unset(name)
            else:
                spark.conf.set(name, value)
