"""Helpers for the Spark engine's tests: run both engines on the same file and compare."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

import privprep
from privprep.spark.engine import SparkResult
from privprep.spark.engine import run as spark_run


def collected(df: Any) -> pl.DataFrame:
    """A Spark frame on the driver, as Polars."""
    frame = pl.from_arrow(df.toArrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


def both(spark: Any, policy: Any, path: Path, folder: Path, key: str) -> tuple[Any, SparkResult]:
    """The single-machine and the Spark run of ``policy`` on ``path``, each writing into ``folder``."""
    log = folder / "audit.jsonl"
    single = privprep.apply(policy, path, folder / "single.parquet", key, audit_log=log)
    df = spark.read.parquet(str(path)).repartition(3)
    on_spark = spark_run(policy, df, output=folder / "spark.parquet", key=key, audit_log=log)
    return single, on_spark


def assert_same_rows(left: pl.DataFrame, right: pl.DataFrame) -> None:
    """Same columns, dtypes, rows and values, in any order."""
    assert left.schema == right.schema
    order = [c for c, d in left.schema.items() if not d.is_nested() and d != pl.Binary]
    assert_frame_equal(left.sort(order, nulls_last=True), right.sort(order, nulls_last=True))


def every_dtype(rows: int = 60) -> pl.DataFrame:
    """A table with every dtype a Spark frame holds, nulls in each nullable column, and unicode."""
    names = ["Zoë Ångström", "李小龙", "Ølaf Ærø", "José Núñez", "Anna Smith", None]
    i = list(range(rows))
    pick = lambda values: [values[n % len(values)] for n in i]  # noqa: E731
    return pl.DataFrame(
        {
            "id": pl.Series(i, dtype=pl.Int64),
            "name": pick(names),
            "email": pick(["zoe@example.com", "li@例え.jp", None, "jose@example.org"]),
            "phone": pick(["+1 415 555 0100", "020 7946 0958", None]),
            "code": pick(["AB-12345", "CD-678", None, ""]),
            "secret": pick(["s3cr3t", None]),
            "tiny": pl.Series(pick([1, -2, None, 127]), dtype=pl.Int8),
            "small": pl.Series(pick([17, 34, None, 71, 90]), dtype=pl.Int16),
            "age": pl.Series(pick([17, 34, 52, None, 71]), dtype=pl.Int32),
            "salary": pick([41234.5, None, 99999.9, float("nan"), -0.5]),
            "ratio": pl.Series(pick([0.25, None, 1.5]), dtype=pl.Float32),
            "amount": pl.Series(pick([Decimal("12.34"), None, Decimal("-0.01")]), dtype=pl.Decimal(10, 2)),
            "flag": pick([True, False, None]),
            "birth": pick([dt.date(1961, 3, 4), None, dt.date(1999, 12, 31), dt.date(2004, 2, 29)]),
            "joined": pl.Series(pick([dt.datetime(2020, 1, 2, 3, 4, 5, 6789), None])).dt.replace_time_zone(
                "UTC"
            ),
            "local_ts": pick([dt.datetime(2021, 6, 7, 8, 9, 10), None, dt.datetime(1970, 1, 1)]),
            "blob": pick([b"\x00\xff", None, b"ok"]),
            "tags": pick([["a", "ü"], [], None, ["x", None]]),
            "scores": pick([[1, 2], None, [None, 3]]),
            "info": pick([{"city": "Zürich", "n": 1}, None, {"city": None, "n": 2}]),
            "notes": pick([
                "write to zoe@example.com or call +1 415 555 0100",
                "José Núñez asked about 李小龙",
                None,
                "nothing personal here ✓",
            ]),
        }
    )  # fmt: skip


EVERY_OPERATOR: dict[str, Any] = {
    "id": "pseudonymize",
    "name": {"action": "fake", "kind": "name"},
    "email": {"action": "fake", "kind": "email"},
    "phone": {"action": "fake", "kind": "phone"},
    "code": {"action": "mask", "keep_last": 2},
    "secret": "redact",
    "tiny": {"action": "pseudonymize", "format": "base32", "prefix": "t_"},
    "small": "keep",
    "age": {"action": "generalize", "bins": [18, 30, 45, 65]},
    "salary": {"action": "generalize", "round_to": 1000},
    "ratio": "pseudonymize",
    "amount": "pseudonymize",
    "flag": "keep",
    "birth": {"action": "generalize", "to": "decade"},
    "joined": {"action": "shift_date", "max_days": 30, "by": "id"},
    "local_ts": {"action": "shift_date", "max_days": 10},
    "blob": "drop",
    "tags": "keep",
    "scores": "keep",
    "info": "keep",
    "notes": {
        "action": "scrub", "entities": ["EMAIL_ADDRESS", "PHONE_NUMBER"], "with": "pseudonymize",
        "from_columns": ["name", "email", "phone"],
    },
}
"""A rule for every column of :func:`every_dtype`: every operator, on every dtype it takes."""
