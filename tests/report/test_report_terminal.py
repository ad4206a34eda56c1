"""``privprep audit show`` (rich) and the screenshot script."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from core_helpers import ROOT, SAMPLE
from rich.console import Console

import privprep
from privprep.report import write_report
from privprep.report.terminal import render_record

SCRIPT = ROOT / "scripts" / "screenshot_report.sh"
POLICY = """
version: 1
name: shown
columns: {customer_id: pseudonymize, zip: {action: generalize, keep_prefix: 1},
          birth_date: {action: generalize, to: decade}, gender: keep, diagnosis: keep}
unlisted: drop
checks:
  k_anonymity: {quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress, max_suppression: 0.06}
"""


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("terminal")
    policy = privprep.parse_policy(POLICY)
    return privprep.apply(policy, SAMPLE, folder / "out.parquet", key="7f3a9c2e4b1d8f6a-test").record


def rendered(record: dict) -> str:
    console = Console(record=True, width=150, color_system=None)
    render_record(record, console)
    return console.export_text()


def test_terminal_view_shows_the_report_content(record: dict) -> None:
    text = rendered(record)
    checks = record["result"]["checks"]
    for needle in (record["run_id"], "success", "k-anonymity", "k achieved", "rows per class", "pseudonymize",
                   f"{checks['rows_suppressed']:,}", record["header"]["input"]["sha256"]):  # fmt: skip
        assert needle in text


def test_record_text_is_never_rich_markup(record: dict) -> None:
    changed = copy.deepcopy(record)
    changed["result"]["warnings"] = ["[red]boom[/red] [link=http://x]y[/link]"]
    changed["header"]["policy"]["name"] = "[bold]p[/bold]"
    text = rendered(changed)
    assert "[red]boom[/red] [link=http://x]y[/link]" in text and "[bold]p[/bold]" in text


def test_screenshot_script_skips_without_chromium(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "pwd"):
        if found := shutil.which(tool):
            (bin_dir / tool).symlink_to(found)
    done = subprocess.run(
        ["/bin/bash", str(SCRIPT)], env={"PATH": str(bin_dir)}, capture_output=True, text=True
    )
    assert done.returncode == 0 and "skipped" in done.stderr


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_screenshot_script_renders_a_png(record: dict, tmp_path: Path) -> None:
    report = write_report(record, tmp_path / "report.html")
    png = tmp_path / "report.png"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run([str(SCRIPT), str(report), str(png), "800,600"], check=True, env=env, timeout=120)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
