"""Helpers for the core tests (importable because ``tests/conftest.py`` puts ``tests/`` on the path)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "customers.parquet"
POLICIES = ROOT / "policies"
KEY = "test-master-key-0123456789abcdef"
OTHER_KEY = "another-master-key-fedcba9876543210"
# Fake rules that only need realistic values share this domain, so each Faker pool (~0.5 s to draw)
# is drawn once per session instead of once per test column.
POOLED = "pooled"


def make_policy(columns: dict[str, Any], unlisted: str = "keep", **extra: Any) -> Policy:
    """A policy built in code (no YAML): ``make_policy({"a": "drop"}, unlisted="fail")``."""
    data = {"version": 1, "name": "t", "columns": columns, "unlisted": unlisted, **extra}
    return Policy.model_validate(data)


def transform(
    frame: pl.DataFrame, columns: dict[str, Any], key: str | bytes = KEY, unlisted: str = "keep"
) -> pl.DataFrame:
    """The engine's projection for ``columns`` on an in-memory frame (no files, no audit)."""
    plan = compile_plan(make_policy(columns, unlisted), frame.schema)
    secret = key.encode() if isinstance(key, str) else key
    staged, outputs = plan.projection(MasterKey(secret))
    return frame.lazy().with_columns(**staged).select(outputs).collect()


def one(values: list[Any], rule: Any, dtype: Any = None, key: str = KEY) -> list[Any]:
    """Apply ``rule`` to a single column ``v`` holding ``values``; returns the output values."""
    frame = pl.DataFrame({"v": values}, schema={"v": dtype} if dtype is not None else None)
    return transform(frame, {"v": rule}, key)["v"].to_list()


def stray_files(folder: Path) -> list[str]:
    """Temporary files a run may have left behind (privprep stages as ``.<name>.<hex>.tmp``)."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


def records(log: Path) -> list[dict[str, Any]]:
    """The audit log's records, oldest first."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def parquet_texts(path: Path) -> list[str]:
    """Everything readable in a Parquet file, decoded: values, row-group statistics, key-value metadata."""
    meta = pq.read_metadata(path)
    texts = [f"{k!r}{v!r}" for k, v in (meta.metadata or {}).items()]
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            stats = meta.row_group(g).column(c).statistics
            if stats is not None and stats.has_min_max:
                texts += [str(stats.min), str(stats.max)]
    for column in pq.read_table(path).columns:
        texts += [str(v) for v in column.to_pylist() if v is not None]
    return texts


def occurring(needles: list[str], haystacks: list[str]) -> set[str]:
    """The needles found inside any haystack (Aho-Corasick in Polars: fast for thousands of needles)."""
    if not needles or not haystacks:
        return set()
    found = pl.Series(haystacks, dtype=pl.String).str.extract_many(needles, overlapping=True)
    return set(found.explode().drop_nulls().to_list())


def leaks(raw: Iterable[str], path: Path, *logs: Path) -> list[str]:
    """The ``raw`` values found in ``path`` (bytes, values, statistics, metadata) or in ``logs``.

    The file's bytes are searched byte for byte (latin-1 maps each byte to one character);
    the logs both as text and with JSON escapes.
    """
    values = sorted(set(raw))
    as_bytes = {v.encode().decode("latin-1"): v for v in values}
    escaped = {json.dumps(v)[1:-1]: v for v in values}
    logs_text = [log.read_text(encoding="utf-8") for log in logs]
    found = {as_bytes[b] for b in occurring(list(as_bytes), [path.read_bytes().decode("latin-1")])}
    found |= occurring(values, parquet_texts(path) + logs_text)
    found |= {escaped[e] for e in occurring(list(escaped), logs_text)}
    return sorted(found)


def run_cli(
    *args: str | Path, cwd: Path, key: str | None = KEY, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the ``privprep`` command in a subprocess (the console script, else ``cli.main``)."""
    drop = ("PRIVPREP_KEY", "PRIVPREP_DEBUG")
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    environ.update(COLUMNS="250", NO_COLOR="1", PYTHONIOENCODING="utf-8", **env)
    if key is not None:
        environ["PRIVPREP_KEY"] = key
    script = shutil.which("privprep")
    command = [script] if script else [sys.executable, "-c", "from privprep.cli import main; main()"]
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120
    )


def finished(log: Path) -> list[dict[str, Any]]:
    """The ``finished`` record of each run, oldest first (each run also writes a ``started`` one)."""
    return [r for r in records(log) if r.get("kind") == "finished"]


def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` (``64k``, ``2m``) mounted at ``mount`` for a fixture to yield from.

    Skips the test where mounting is not allowed (not root, or no mount permission).
    """
    import pytest

    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
