"""``privprep apply``, ``validate`` and ``plan``."""

from __future__ import annotations

from pathlib import Path

import typer

from privprep.cli.app import JsonOption, app, err, out, user_errors
from privprep.cli.help import epilog
from privprep.errors import PolicyError

PolicyArg = typer.Argument(..., help="Policy YAML file.", exists=False)
InputArg = typer.Argument(..., help="Input Parquet file.")


@app.command(
    epilog=epilog("PRIVPREP_KEY=... privprep apply policies/customers.yaml in.parquet -o out/in.parquet")
)
@user_errors
def apply(
    policy: Path = PolicyArg,
    input: Path = InputArg,
    output: Path | None = typer.Option(None, "-o", "--output", help="Output Parquet path."),
    audit_log: Path | None = typer.Option(
        None, "--audit-log", metavar="PATH", help="Audit log (JSON Lines). Default: see docs/cli.md."
    ),
    report: Path | None = typer.Option(None, "--report", metavar="PATH", help="Also write an HTML report."),
) -> None:
    """Apply POLICY to INPUT and write audited, privacy-safe Parquet."""
    import privprep

    with err.status("starting", spinner="dots") as status:
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


@app.command(epilog=epilog("privprep validate policies/customers.yaml", "privprep validate p.yaml --json"))
@user_errors
def validate(policy: Path = PolicyArg, as_json: bool = JsonOption) -> None:
    """Check POLICY; every problem is listed with its YAML path and line."""
    from privprep.policy import load_policy

    try:
        loaded = load_policy(policy)
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
def plan(policy: Path = PolicyArg, input: Path = InputArg, as_json: bool = JsonOption) -> None:
    """Show what will happen to each column of INPUT (reads the schema only)."""
    from privprep.dtypes import render_dtype
    from privprep.io.parquet import open_source
    from privprep.plan import compile_plan, unlisted_columns
    from privprep.policy import load_policy

    loaded = load_policy(policy)
    source = open_source(input)
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
        PlanJson(policy=loaded.name, input=str(input), columns=columns).emit()
        return
    from rich.table import Table

    table = Table("column", "dtype", "action", "parameters", "decided by", title=f"plan: {loaded.name}")
    for col in compiled.columns:
        params = ", ".join(f"{k}={v}" for k, v in col.params.items() if v not in (None, [], ""))
        by = col.source + (" (PII detection runs at apply)" if col.name in pending else "")
        table.add_row(col.name, render_dtype(col.dtype), col.action, params, by)
    out.print(table)


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
