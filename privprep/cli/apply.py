"""``privprep apply``, ``validate`` and ``plan``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

import privprep
from privprep.cli.app import app, err, out, user_errors
from privprep.dtypes import render_dtype
from privprep.io.parquet import open_source
from privprep.plan import compile_plan, unlisted_columns

PolicyArg = typer.Argument(..., help="Policy YAML file.", exists=False)
InputArg = typer.Argument(..., help="Input Parquet file.")


class Engine(StrEnum):
    polars = "polars"
    spark = "spark"


@app.command()
@user_errors
def apply(
    policy: Path = PolicyArg,
    input: Path = InputArg,
    output: Path | None = typer.Option(None, "-o", "--output", help="Output Parquet path."),
    audit_log: Path | None = typer.Option(None, "--audit-log", help="Audit log (JSON Lines)."),
    report: Path | None = typer.Option(None, "--report", help="Also write an HTML run report."),
    engine: Engine = typer.Option(Engine.polars, "--engine", help="One process, or Apache Spark."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL (with --engine spark)."),
) -> None:
    """Apply POLICY to INPUT and write audited, privacy-safe Parquet."""
    with err.status("starting", spinner="dots") as status:
        if engine is Engine.spark:
            from privprep.spark.cli import apply_spark

            result = apply_spark(policy, input, output, audit_log, master, status.update)
        else:
            result = privprep.apply(
                policy, input, output, audit_log=audit_log,
                on_stage=lambda stage: status.update(f"{stage}..."), report=report,
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


@app.command()
@user_errors
def validate(policy: Path = PolicyArg) -> None:
    """Check POLICY; every problem is listed with its YAML path and line."""
    loaded = privprep.load_policy(policy)
    out.print(f"[green]✓[/] policy {loaded.name!r} is valid ({len(loaded.columns)} column rules)")


@app.command()
@user_errors
def plan(policy: Path = PolicyArg, input: Path = InputArg) -> None:
    """Show what will happen to each column of INPUT (reads the schema only)."""
    loaded = privprep.load_policy(policy)
    source = open_source(input)
    compiled = compile_plan(loaded, source.schema)  # checks every dtype: mismatches show here, no data read
    pending = set(unlisted_columns(loaded, source.schema)) if loaded.unlisted == "keep" else set()
    table = Table("column", "dtype", "action", "parameters", "decided by", title=f"plan: {loaded.name}")
    for col in compiled.columns:
        params = ", ".join(f"{k}={v}" for k, v in col.params.items() if v not in (None, [], ""))
        by = col.source + (" (PII detection runs at apply)" if col.name in pending else "")
        table.add_row(col.name, render_dtype(col.dtype), col.action, params, by)
    out.print(table)
