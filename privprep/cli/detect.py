"""``privprep scan`` and ``privprep init``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.cli.app import JsonOption, app, out, user_errors
from privprep.cli.help import epilog

InputArg = typer.Argument(..., help="Input Parquet file.")
SampleOption = typer.Option(1000, "--sample", help="Distinct values sampled per column.")


@app.command(epilog=epilog("privprep scan customers.parquet", "privprep scan customers.parquet --json"))
@user_errors
def scan(
    input: Path = InputArg,
    sample: int = SampleOption,
    as_json: bool = JsonOption,
) -> None:
    """Classify every column of INPUT (entity, score, evidence). Never prints values."""
    import privprep

    report = privprep.scan(input, sample=sample)
    if as_json:
        from privprep.cli.shapes import ScanJson

        ScanJson(**report.to_json_dict()).emit()  # no path: a file name can be data
        return
    from privprep.detect.render import render_scan

    render_scan(report, out)


@app.command(epilog=epilog("privprep init customers.parquet -o policy.yaml"))
@user_errors
def init(
    input: Path = InputArg,
    output: Path = typer.Option(Path("policy.yaml"), "-o", "--output", help="Policy file to write."),
    sample: int = SampleOption,
) -> None:
    """Draft a complete, commented policy for INPUT from a scan."""
    import privprep
    from privprep.detect import draft_policy
    from privprep.io.atomic import atomic_target

    text = draft_policy(privprep.scan(input, sample=sample), input_name=input.name)
    with atomic_target(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    out.print(f"[green]✓[/] drafted {output}; review it, then: privprep apply {output} {input}")
