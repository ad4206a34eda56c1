"""Reading inputs (paths and frames) and fingerprinting files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq

from privprep.errors import ReasonCode, fail

Data = str | Path | pl.DataFrame | pl.LazyFrame | pd.DataFrame
META_PREFIX = "privprep."


@dataclass(frozen=True)
class Source:
    """An opened input: a lazy frame plus what the audit record says about it."""

    frame: pl.LazyFrame
    schema: pl.Schema
    path: Path | None
    rows: int | None
    sha256: str | None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def open_source(data: Data) -> Source:
    """Open a Parquet path or wrap an in-memory frame; corrupt or empty input is an error."""
    if isinstance(data, pd.DataFrame):
        data = pl.from_pandas(data)
    if isinstance(data, pl.DataFrame):
        return Source(data.lazy(), data.schema, None, data.height, None)
    if isinstance(data, pl.LazyFrame):
        return Source(data, data.collect_schema(), None, None, None)
    path = Path(data)
    if not path.is_file():
        raise fail(ReasonCode.INPUT_NOT_FOUND, f"input file {path} does not exist")
    try:
        meta = pq.read_metadata(path)
    except Exception as exc:
        reason = type(exc).__name__
        raise fail(ReasonCode.INPUT_INVALID, f"input {path} is not readable Parquet ({reason})") from None
    _unique_names(path, meta.schema.to_arrow_schema().names)
    frame = pl.scan_parquet(path)
    schema = frame.collect_schema()
    if not schema:
        raise fail(ReasonCode.INPUT_INVALID, f"input {path} has no columns")
    return Source(frame, schema, path, meta.num_rows, sha256_file(path))


def _unique_names(path: Path, names: list[str]) -> None:
    """Polars keeps one of two same-named columns and silently drops the other: refuse such a file."""
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in first:
            raise fail(
                ReasonCode.INPUT_INVALID,
                f"input {path} has two columns named {name!r} (positions {first[name]} and {position});"
                " rename one",
            )
        first[name] = position


def read_privprep_metadata(path: Path) -> dict[str, str]:
    """The ``privprep.*`` key-value metadata of a Parquet file privprep wrote."""
    kv = pq.read_metadata(path).metadata or {}
    return {
        k.decode()[len(META_PREFIX) :]: v.decode()
        for k, v in kv.items()
        if k.decode().startswith(META_PREFIX)
    }


def privprep_metadata(values: dict[str, str]) -> dict[str, str]:
    return {META_PREFIX + k: v for k, v in values.items()}
