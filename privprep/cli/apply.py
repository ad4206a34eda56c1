"""``privprep apply``, ``validate`` and ``plan``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from privprep.cli import inputs as opt
from privprep.cli.app import JsonOption, app, err, out, user_errors
from privprep.cli.help import epilog
from privprep.errors import PolicyError

PolicyArg = typer.Argument(..., help="Policy YAML file.", exists=False)
InputArg = typer.Argument(
    None, help="Input: Parquet, CSV, TSV, NDJSON, JSON, Arrow IPC file, folder or glob, Delta table"
    " (omit it when the policy's input: names a DuckDB query).",
)  # fmt: skip


class Engine(StrEnum):
    polars = "polars"
    spark = "spark"


@app.command(
    epilog=epilog("PRIVPREP_KEY=... privprep apply policies/customers.yaml in.parquet -o out/in.parquet")
)
@user_errors
def apply(
    policy: Path = PolicyArg,
    input: Path | None = InputArg,
    output: Path | None = typer.Option(None, "-o", "--output", help="Output Parquet path."),
    audit_log: Path | None = typer.Option(
        None, "--audit-log", metavar="PATH", help="Audit log (JSON Lines). Default: see docs/cli.md."
    ),
    report: Path | None = typer.Option(None, "--report", metavar="PATH", help="Also write an HTML report."),
    format: str | None = opt.Format,
    csv_separator: str | None = opt.Separator,
    csv_encoding: str | None = opt.Encoding,
    csv_no_header: bool = opt.NoHeader,
    csv_null: list[str] | None = opt.Nulls,
    csv_infer_schema_length: int | None = opt.InferRows,
    quiet: bool = opt.Quiet,
    engine: Engine = typer.Option(Engine.polars, "--engine", help="One process, or Apache Spark."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL (with --engine spark)."),
) -> None:
    """Apply POLICY to INPUT and write audited, privacy-safe Parquet."""
    import privprep
    from privprep.cli.progress import ProgressView

    options = opt.input_options(
        format, csv_separator, csv_encoding, csv_no_header, csv_null, csv_infer_schema_length
    )
    if engine is Engine.spark:
        from privprep.spark.cli import apply_spark

        with err.status("starting", spinner="dots") as status:
            result = apply_spark(policy, input, output, audit_log, master, status.update, options)
    else:
        with ProgressView(err, quiet) as progress:
            result = privprep.apply(
                policy, input, output, audit_log=audit_log, report=report, input_options=options,
                progress=progress,
            )  # fmt: skip
    outcome = result.record["result"]
    rows = (outcome.get("output") or {}).get("rows")
    out.print(f"[green]✓[/] run {result.run_id}: wrote {result.output_path} ({rows} rows)")
    for name in result.releases:
        out.print(f"  DP release [bold]{name}[/] written")
    for warning in outcome["warnings"]:
        err.print(f"[yellow]warning[/]: {warning}", markup=True, highlight=False)
    out.print(f"  audit record appended to {result.audit_log}")
    if report is not None:
        from privprep.audit import AuditLog
        from privprep.report import write_report

        write_report(result.record, report, log=AuditLog(result.audit_log))
        out.print(f"  report: {report}")


@app.command(
    epilog=epilog(
        "privprep validate policies/customers.yaml", "privprep validate p.yaml --json",
        "privprep validate p.yaml --engine spark",
    )
)
@user_errors
def validate(
    policy: Path = PolicyArg,
    as_json: bool = JsonOption,
    engine: Engine = typer.Option(Engine.polars, "--engine", help="Also check what this engine refuses."),
) -> None:
    """Check POLICY; every problem is listed with its YAML path and line."""
    from privprep.policy import load_policy

    try:
        loaded = load_policy(policy, engine=engine.value)
    except PolicyError as exc:
        if as_json:
            _validated(policy, exc)
        raise
    if as_json:
        _validated(policy, None, loaded.name, len(loaded.columns))
        return
    out.print(f"[green]✓[/] policy {loaded.name!r} is valid ({len(loaded.columns)} column rules)")


@app.command(epilog=epilog("privprep plan policies/customers.yaml customers.parquet --json"))
@user_errors
def plan(
    policy: Path = PolicyArg,
    input: Path | None = InputArg,
    as_json: bool = JsonOption,
    format: str | None = opt.Format,
    csv_separator: str | None = opt.Separator,
    csv_encoding: str | None = opt.Encoding,
    csv_no_header: bool = opt.NoHeader,
    csv_null: list[str] | None = opt.Nulls,
    csv_infer_schema_length: int | None = opt.InferRows,
) -> None:
    """Show what will happen to each column of INPUT (reads the schema only)."""
    from privprep.dtypes import render_dtype
    from privprep.io.inputs import open_input
    from privprep.plan import compile_plan, unlisted_columns
    from privprep.policy import load_policy
    from privprep.policy.inputs import input_spec

    loaded = load_policy(policy)
    options = opt.input_options(
        format, csv_separator, csv_encoding, csv_no_header, csv_null, csv_infer_schema_length
    )
    source = open_input(input, input_spec(loaded, options))
    compiled = compile_plan(loaded, source.schema)  # checks every dtype: mismatches show here, no data read
    pending = set(unlisted_columns(loaded, source.schema)) if loaded.unlisted == "keep" else set()
    if as_json:
        from privprep.cli.shapes import PlanColumnJson, PlanJson

        columns = [
            PlanColumnJson(
                name=c.name, dtype=render_dtype(c.dtype), action=c.action, params=c.params, source=c.source,
                detected_at_apply=c.name in pending,
            )
            for c in compiled.columns
        ]  # fmt: skip
        steps = compiled.prep.describe() if compiled.prep else []
        PlanJson(policy=loaded.name, input=str(input), columns=columns, steps=steps).emit()
        return
    from rich.table import Table

    table = Table("column", "dtype", "action", "parameters", "decided by", title=f"plan: {loaded.name}")
    for col in compiled.columns:
        params = ", ".join(f"{k}={v}" for k, v in col.params.items() if v not in (None, [], ""))
        by = col.source + (" (PII detection runs at apply)" if col.name in pending else "")
        table.add_row(col.name, render_dtype(col.dtype), col.action, params, by)
    out.print(table)
    for line in compiled.prep.describe() if compiled.prep else []:  # row-level steps, before the columns
        out.print(f"  {line}", highlight=False, markup=False)


def _validated(
    policy: Path, error: PolicyError | None, name: str | None = None, rules: int | None = None
) -> None:
    from privprep.cli.shapes import ProblemJson, ValidateJson

    problems = [
        ProblemJson(where=p.where, line=p.line, message=p.message, code=p.code.value if p.code else None)
        for p in (error.problems if error else [])
    ]
    ValidateJson(
        policy=str(policy), ok=error is None, message=error.message if error else None, name=name,
        column_rules=rules, problems=problems,
    ).emit()  # fmt: skip
