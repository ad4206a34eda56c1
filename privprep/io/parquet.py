"""Parquet outputs: privprep's key-value metadata, and reading a written file or dataset folder."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from privprep.io.fingerprint import data_files

META_PREFIX = "privprep."


def read_privprep_metadata(path: Path) -> dict[str, str]:
    """The ``privprep.*`` key-value metadata of a Parquet file (or dataset folder) privprep wrote."""
    if path.is_dir():
        files = data_files(path)
        if not files:
            return {}
        path = files[0]
    kv = pl.read_parquet_metadata(path)
    return {k[len(META_PREFIX) :]: v for k, v in kv.items() if k.startswith(META_PREFIX)}


def privprep_metadata(values: dict[str, str]) -> dict[str, str]:
    return {META_PREFIX + k: v for k, v in values.items()}


def output_rows(path: Path) -> int:
    """Rows of a written Parquet file or dataset folder, from the footers."""
    files = data_files(path) if path.is_dir() else [path]
    return int(pl.scan_parquet(files).select(pl.len()).collect().item()) if files else 0


def scan_output(path: Path) -> pl.LazyFrame:
    """A written output (file or dataset folder, whose files hold the partition columns too)."""
    return pl.scan_parquet(data_files(path)) if path.is_dir() else pl.scan_parquet(path)
