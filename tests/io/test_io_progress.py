"""Progress: counts reach the API callback; the CLI draws a bar, plain lines, or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from core_helpers import KEY, run_cli
from io_helpers import POLICY
from rich.console import Console

import privprep
from privprep.cli.progress import ProgressView
from privprep.progress import Progress

ROWS = 300_000
BIG = pl.DataFrame({"id": range(ROWS), "email": ["a@x.io"] * ROWS, "city": ["Lyon"] * ROWS}).with_columns(
    score=pl.lit(1.5), split=pl.lit("train")
)


def test_the_callback_receives_stages_and_row_counts(tmp_path: Path) -> None:
    BIG.write_parquet(tmp_path / "in.parquet")
    events: list[Progress] = []
    privprep.apply(POLICY, tmp_path / "in.parquet", tmp_path / "o.parquet", key=KEY, progress=events.append)
    stages = [e.stage for e in events if e.unit == "steps"]
    assert stages[:2] == ["open", "compile"] and "write" in stages
    rows = [e for e in events if e.unit == "rows"]
    assert len(rows) > 1 and rows[-1] == Progress("write", ROWS, ROWS, "rows")
    assert [e.done for e in rows] == sorted(e.done for e in rows)


def test_plain_lines_when_piped_none_when_quiet() -> None:
    piped, quiet = io.StringIO(), io.StringIO()
    events = [
        Progress("write", 0, None, "steps"),
        Progress("write", 500, 1000),
        Progress("write", 1000, 1000),
    ]
    with ProgressView(Console(file=piped, width=200), every=0) as view:
        for event in events:
            view(event)
    assert piped.getvalue().splitlines()[-1].startswith("write: 1,000 of 1,000 rows (100%), ")
    with ProgressView(Console(file=quiet), quiet=True) as view:
        for event in events:
            view(event)
    assert quiet.getvalue() == ""
    drawn = io.StringIO()
    with ProgressView(Console(file=drawn, force_terminal=True), every=0) as view:
        for event in events:
            view(event)
    assert "write" in drawn.getvalue()


def test_the_cli_reads_csv_with_flags(tmp_path: Path) -> None:
    BIG.head(50).write_csv(tmp_path / "in.txt", separator=";")
    (tmp_path / "p.yaml").write_text(POLICY.source_text or "")
    args = ["apply", "p.yaml", "in.txt", "-o", "out.parquet", "--format", "csv", "--csv-separator", ";", "-q"]
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stderr  # no bar drawn when stderr is not a terminal
    assert pl.read_parquet(tmp_path / "out.parquet").height == 50
