"""``privprep scan`` and ``privprep init``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

import privprep
from privprep.cli.app import app, out, user_errors
from privprep.io.atomic import atomic_target


@app.command()
@user_errors
def scan(
    input: Path = typer.Argument(..., help="Input Parquet file."),
    sample: int = typer.Option(1000, "--sample", help="Distinct values sampled per column."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Classify every column of INPUT (entity, score, evidence). Never prints values."""
    report = privprep.scan(input, sample=sample)
    if as_json:
        print(json.dumps(report.to_json_dict()))
        return
    from privprep.detect.render import render_scan

    render_scan(report, out)


@app.command()
@user_errors
def init(
    input: Path = typer.Argument(..., help="Input Parquet file."),
    output: Path = typer.Option(Path("policy.yaml"), "-o", "--output", help="Policy file to write."),
    sample: int = typer.Option(1000, "--sample", help="Distinct values sampled per column."),
) -> None:
    """Draft a complete, commented policy for INPUT from a scan."""
    from privprep.detect import draft_policy

    text = draft_policy(privprep.scan(input, sample=sample), input_name=input.name)
    with atomic_target(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    out.print(f"[green]✓[/] drafted {output}; review it, then: privprep apply {output} {input}")
