"""``privprep scan`` and ``privprep init``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.cli import inputs as opt
from privprep.cli.app import JsonOption, app, err, out, user_errors
from privprep.cli.help import epilog

InputArg = typer.Argument(..., help="Input file, folder or glob (Parquet, CSV, JSON, IPC, Delta).")
SampleOption = typer.Option(1000, "--sample", help="Distinct values sampled per column.")


@app.command(epilog=epilog("privprep scan customers.parquet", "privprep scan customers.parquet --json"))
@user_errors
def scan(
    input: Path = InputArg,
    sample: int = SampleOption,
    as_json: bool = JsonOption,
    format: str | None = opt.Format,
    csv_separator: str | None = opt.Separator,
    csv_encoding: str | None = opt.Encoding,
    csv_no_header: bool = opt.NoHeader,
    csv_null: list[str] | None = opt.Nulls,
    csv_infer_schema_length: int | None = opt.InferRows,
    quiet: bool = opt.Quiet,
) -> None:
    """Classify every column of INPUT (entity, score, evidence). Never prints values."""
    import privprep
    from privprep.cli.progress import ProgressView
    from privprep.policy.inputs import InputSpec

    options = opt.input_options(
        format, csv_separator, csv_encoding, csv_no_header, csv_null, csv_infer_schema_length
    )
    spec = InputSpec().overridden(options)
    with ProgressView(err, quiet) as progress:
        report = privprep.scan(input, sample=sample, input_spec=spec, progress=progress)
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
