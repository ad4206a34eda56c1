"""Shared data and policy for the input/output tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from core_helpers import KEY

import privprep

FRAME = pl.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6],
        "email": ["a@x.io", "b@x.io", None, "a@x.io", "c@y.org", "d@y.org"],
        "city": ["Lyon", "Oslo", "Lyon", None, "Oslo", "Rome"],
        "score": [0.5, None, 1.5, 2.0, 3.25, 4.0],
        "split": ["train", "train", "test", "train", "test", "train"],
    }
)
POLICY = privprep.parse_policy(
    "version: 1\nname: io\nunlisted: fail\ncolumns:\n"
    "  id: pseudonymize\n  email: {action: mask, keep_last: 4}\n  city: keep\n"
    "  score: {action: generalize, round_to: 1}\n  split: keep\n"
)


def run(data: Any, out: Path | None, **kwargs: Any) -> privprep.Result:
    """Apply the shared policy (audit log beside ``out``, or in its folder for frames)."""
    log = (out.parent if out else Path.cwd()) / "audit.jsonl"
    return privprep.apply(kwargs.pop("policy", POLICY), data, out, key=KEY, audit_log=log, **kwargs)


def expected(tmp: Path) -> pl.DataFrame:
    """The output of the Parquet path for :data:`FRAME`: every other input kind must match it."""
    folder = tmp / "reference"
    folder.mkdir(exist_ok=True)
    FRAME.write_parquet(folder / "in.parquet")
    return pl.read_parquet(run(folder / "in.parquet", folder / "out.parquet").output_path)
