"""What an opened input is: a lazy frame, its schema and the fingerprint the audit record keeps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from privprep.io.fingerprint import FileFingerprint

if TYPE_CHECKING:
    from privprep.io.pandas_frames import PandasLayout

# str | Path | pl.DataFrame | pl.LazyFrame | pandas.DataFrame | pyarrow.Table | pyarrow.dataset.Dataset
# | duckdb relation; typed loosely so that pandas, pyarrow.dataset and duckdb load only when given.
Data = Any


@dataclass(frozen=True)
class Query:
    """A SQL query against a DuckDB database file, as the audit record keeps it."""

    text: str
    database: Path
    database_sha256: str


@dataclass(frozen=True)
class Source:
    """An opened input: a lazy frame plus what the audit record says about it.

    ``path`` and ``sha256`` are the file's for a single file; for a multi-file input the root
    (folder or glob) and the digest of ``files``; for a query the database file and the digest of
    the query text and the database's SHA-256. In-memory inputs have neither.
    """

    frame: pl.LazyFrame
    schema: pl.Schema
    path: Path | None
    rows: int | None
    sha256: str | None
    format: str = "frame"
    files: tuple[FileFingerprint, ...] = ()
    paths: tuple[Path, ...] = ()  # every file read (the run may overwrite none of them)
    query: Query | None = None
    pandas: PandasLayout | None = None  # how to give a pandas input back as pandas
    dtype_overrides: tuple[str, ...] = ()  # columns input.dtypes casts (a typed format's values may not fit)

    @property
    def in_memory(self) -> bool:
        return self.path is None
