"""``import privprep`` and ``privprep --help`` load no heavy library; nothing piped is wrapped or cut."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY
from rich.panel import Panel
from rich.table import Table

import privprep
from privprep.cli.app import UNWRAPPED, console

HEAVY = ["pandas", "polars", "pyarrow", "presidio_analyzer", "spacy", "opendp", "faker"]
PROBE = f"""
import json, sys
heavy = {HEAVY!r}
loaded = lambda: sorted(m for m in heavy if m in sys.modules)
import privprep
found = {{"import privprep": loaded()}}
from privprep.cli import main
sys.argv = ["privprep", "--help"]
try:
    main()
except SystemExit:
    pass
found["privprep --help"] = loaded()
print(json.dumps(found), file=sys.stderr)
"""


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "PRIVPREP_DEBUG")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_import_and_help_load_no_heavy_library(tmp_path: Path) -> None:
    proc = _run("-c", PROBE, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stderr) == {"import privprep": [], "privprep --help": []}
    assert "Usage:" in proc.stdout


def test_a_piped_error_is_one_line_however_long(tmp_path: Path) -> None:
    log = tmp_path / ("a-folder-with-a-rather-long-name-" * 4) / "privprep-audit.jsonl"
    proc = _run("-m", "privprep", "audit", "list", "--log", str(log), cwd=tmp_path)
    assert proc.returncode == 7
    [line] = proc.stderr.splitlines()
    assert len(line) > 250 and line.startswith(f"error (audit_invalid): no audit log at {log}; looked there")


@pytest.mark.slow  # a second interpreter start-up
def test_a_piped_audit_list_shows_whole_run_ids(tmp_path: Path) -> None:
    policy = privprep.parse_policy(
        "version: 1\nname: a-policy-with-a-long-name\ncolumns: {id: pseudonymize}\n"
    )
    log = tmp_path / "audit.jsonl"
    runs = [privprep.apply(policy, pl.DataFrame({"id": ["a"]}), key=KEY, audit_log=log) for _ in range(2)]
    proc = _run("-m", "privprep", "audit", "list", "--log", str(log), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "…" not in proc.stdout and all(run.run_id in proc.stdout for run in runs)
    assert proc.stdout.count("a-policy-with-a-long-name") == 2


@pytest.mark.parametrize("stderr", [False, True])
def test_a_console_that_is_not_a_terminal_never_wraps_or_truncates(
    monkeypatch: pytest.MonkeyPatch, stderr: bool
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr" if stderr else "stdout", stream)
    monkeypatch.setenv("COLUMNS", "80")
    piped = console(stderr=stderr)
    assert piped.width == UNWRAPPED
    run_ids = [f"20261203T1{i:05d}Z-{i:08x}" for i in range(3)]
    table = Table("run id", "started (UTC)", "policy", "status", "rows in", "rows out")
    for run_id in run_ids:
        table.add_row(
            run_id, "2026-12-03T10:00:00.000+00:00", "customers-training", "success", "5000", "4980"
        )
    piped.print(table)
    piped.print("word " * 100)
    piped.print(Panel("a panel as wide as this text", title="run"))
    printed = stream.getvalue()
    assert "…" not in printed and all(run_id in printed for run_id in run_ids)
    assert ("word " * 100).strip() in printed
    assert max(len(line) for line in printed.splitlines() if not line.startswith("word")) < 130
    assert len(printed.splitlines()[-1]) == len("a panel as wide as this text") + 4  # not as wide as the room
