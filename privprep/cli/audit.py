"""``privprep audit list | show | verify``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from privprep.audit import DEFAULT_NAME, AuditLog, verify_log
from privprep.cli.app import audit_app, out, user_errors
from privprep.errors import ReasonCode, fail

LogOption = typer.Option(Path(DEFAULT_NAME), "--log", help="Audit log path.")


@audit_app.command("list")
@user_errors
def list_runs(log: Path = LogOption) -> None:
    """One line per run: id, time, policy, status, rows."""
    table = Table("run id", "started (UTC)", "policy", "status", "rows in", "rows out")
    for record in _log(log).records():
        if record.get("kind", "finished") != "finished":
            continue
        header, result = record["header"], record["result"]
        style = "green" if result["status"] == "success" else "red"
        reason = f" ({result['reason_code']})" if result["reason_code"] else ""
        table.add_row(
            record["run_id"], header["started_at"], header["policy"]["name"],
            f"[{style}]{result['status']}[/]{reason}",
            str(header["input"].get("rows")), str((result.get("output") or {}).get("rows")),
        )  # fmt: skip
    out.print(table)


@audit_app.command("show")
@user_errors
def show(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    log: Path = LogOption,
    as_json: bool = typer.Option(False, "--json", help="Print the raw record."),
) -> None:
    """Show one run's record."""
    record = _log(log).find(run_id)
    if as_json:
        out.print_json(json.dumps(record))
        return
    from privprep.report.terminal import render_record

    render_record(record, out)


@audit_app.command("verify")
@user_errors
def verify(log: Path = LogOption) -> None:
    """Check the hash chain and every output file still present; exit 7 if anything is wrong."""
    result = verify_log(_log(log))
    for note in result.notes:
        out.print(f"[dim]note[/]: {note}")
    if not result.ok:
        raise fail(ReasonCode.AUDIT_INVALID, f"{log}: verification failed:\n" + "\n".join(result.problems))
    out.print(
        f"[green]✓[/] {result.records} records, chain intact; {result.outputs_checked} output file(s)"
        f" match their records. head {result.head[:16]}"
    )


def _log(path: Path) -> AuditLog:
    if not path.exists():
        raise fail(ReasonCode.AUDIT_INVALID, f"audit log {path} does not exist")
    return AuditLog(path)
