"""``privprep audit list | show | verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from privprep.audit import DEFAULT_NAME, AuditLog, verify_log
from privprep.cli.app import audit_app, out, user_errors
from privprep.errors import ReasonCode, fail

LogOption = typer.Option(Path(DEFAULT_NAME), "--log", help="Audit log path.")


@audit_app.command("list")
@user_errors
def list_runs(log: Path = LogOption) -> None:
    """One line per run: id, time, policy, status, rows (a run that never finished shows as started)."""
    table = Table("run id", "started (UTC)", "policy", "status", "rows in", "rows out")
    for run_id, run in _log(log).runs().items():
        record = run.last  # a run's finished record replaces its started one
        header, result = _dict(record.get("header")), _dict(record.get("result"))
        status = str(result.get("status", "started"))
        style = {"success": "green", "started": "yellow"}.get(status, "red")
        reason = f" ({result['reason_code']})" if result.get("reason_code") else ""
        table.add_row(
            run_id, str(header.get("started_at")), str(_dict(header.get("policy")).get("name")),
            f"[{style}]{escape(status)}[/]{escape(reason)}",
            str(_dict(header.get("input")).get("rows")), str(_dict(result.get("output")).get("rows")),
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
def verify(
    log: Path = LogOption,
    expect_key: list[str] = typer.Option(
        [], "--expect-key", metavar="FP", help="Signer fingerprint the log must be signed with (repeatable)."
    ),
    expect_head: str | None = typer.Option(
        None, "--expect-head", metavar="HASH", help="A head hash anchored elsewhere (16+ hex characters)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (exit 7 still on failure)."),
    allow_unsigned: bool = typer.Option(
        False, "--allow-unsigned", help="Accept unsigned runs (no master key); only the hash chain holds."
    ),
) -> None:
    """Check hashes, links, signatures, the anchored head and every file still present; exit 7 if wrong."""
    result = verify_log(
        _log(log), expect_key=expect_key, expect_head=expect_head, allow_unsigned=allow_unsigned
    )
    if as_json:
        print(json.dumps(result.as_json(), indent=2))
    else:
        for note in result.notes:
            out.print(f"[dim]note[/]: {escape(note)}", highlight=False)
        for signer in result.signers:
            out.print(f"signed by {signer}", highlight=False)
    if not result.ok:
        raise fail(ReasonCode.AUDIT_INVALID, f"{log}: verification failed:\n" + "\n".join(result.problems))
    if not as_json:
        releases = f"; {result.releases_checked} DP release file(s) too" if result.releases_checked else ""
        out.print(
            f"[green]✓[/] {result.records} records, chain intact; {result.outputs_checked} output file(s)"
            f" match their records{releases}. head {result.head[:16]}",
            highlight=False,
        )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _log(path: Path) -> AuditLog:
    if not path.exists():
        raise fail(ReasonCode.AUDIT_INVALID, f"audit log {path} does not exist")
    return AuditLog(path)
