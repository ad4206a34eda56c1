"""``privprep audit list | show | verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from privprep.cli.app import JsonOption, audit_app, out, user_errors
from privprep.cli.help import epilog
from privprep.cli.where import LogOption, PolicyOption, audit_log, find
from privprep.errors import ReasonCode, fail


@audit_app.command("list", epilog=epilog("privprep audit list --log out/privprep-audit.jsonl --json"))
@user_errors
def list_runs(
    log: Path | None = LogOption, policy: Path | None = PolicyOption, as_json: bool = JsonOption
) -> None:
    """One line per run: id, time, policy, status, rows (a run that never finished shows as started)."""
    from privprep.cli.shapes import AuditListJson, RunRowJson

    found, _ = audit_log(log, policy)
    rows = [RunRowJson(run_id=run_id, **_row(run.last)) for run_id, run in found.runs().items()]
    if as_json:
        AuditListJson(log=str(found.path), runs=rows).emit()
        return
    from rich.table import Table

    table = Table("run id", "started (UTC)", "policy", "status", "rows in", "rows out")
    for row in rows:
        style = {"success": "green", "started": "yellow"}.get(row.status, "red")
        reason = f" ({row.reason_code})" if row.reason_code else ""
        status = f"[{style}]{escape(row.status)}[/]{escape(reason)}"
        table.add_row(
            row.run_id, str(row.started_at), str(row.policy), status, str(row.rows_in), str(row.rows_out)
        )  # fmt: skip
    out.print(table)


@audit_app.command(
    "show",
    epilog=epilog(
        "privprep audit show 20261127T0405 --log out/privprep-audit.jsonl",
        "privprep audit show 20261127T0405 --policy policies/customers.yaml --json",
    ),
)
@user_errors
def show(
    run_id: str = typer.Argument(..., help="Run id (a unique prefix is enough)."),
    log: Path | None = LogOption,
    policy: Path | None = PolicyOption,
    as_json: bool = JsonOption,
) -> None:
    """Show one run's record (its finished record, else its started one)."""
    found, where = audit_log(log, policy)
    record = find(found, where, run_id)
    if as_json:
        from privprep.cli.shapes import AuditShowJson

        AuditShowJson(log=str(found.path), record=record).emit()
        return
    from privprep.report.terminal import render_record

    render_record(record, out)


@audit_app.command(
    "verify",
    epilog=epilog(
        "privprep audit verify --log out/privprep-audit.jsonl",
        "privprep audit verify --log out/privprep-audit.jsonl --expect-key ed25519:1780... --json",
    ),
)
@user_errors
def verify(
    log: Path | None = LogOption,
    policy: Path | None = PolicyOption,
    expect_key: list[str] = typer.Option(
        [], "--expect-key", metavar="FP", help="Signer fingerprint the log must be signed with (repeatable)."
    ),
    expect_head: str | None = typer.Option(
        None, "--expect-head", metavar="HASH", help="A head hash anchored elsewhere (16+ hex characters)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON document (exit 7 still on failure)."),
    allow_unsigned: bool = typer.Option(
        False, "--allow-unsigned", help="Accept unsigned runs (no master key); only the hash chain holds."
    ),
) -> None:
    """Check hashes, links, signatures, the anchored head and every file still present; exit 7 if wrong."""
    from privprep.audit import verify_log

    found, _ = audit_log(log, policy)
    result = verify_log(found, expect_key=expect_key, expect_head=expect_head, allow_unsigned=allow_unsigned)
    if as_json:
        from privprep.cli.shapes import AuditVerifyJson

        AuditVerifyJson(log=str(found.path), **result.as_json()).emit()
    else:
        for note in result.notes:
            out.print(f"[dim]note[/]: {escape(note)}", highlight=False)
        for signer in result.signers:
            out.print(f"signed by {signer}", highlight=False)
    if not result.ok:
        problems = "\n".join(result.problems)
        raise fail(ReasonCode.AUDIT_INVALID, f"{found.path}: verification failed:\n{problems}")
    if not as_json:
        releases = f"; {result.releases_checked} DP release file(s) too" if result.releases_checked else ""
        out.print(
            f"[green]✓[/] {result.records} records, chain intact; {result.outputs_checked} output file(s)"
            f" match their records{releases}. head {result.head[:16]}",
            highlight=False,
        )


def _row(record: dict[str, Any]) -> dict[str, Any]:
    """A run's line in ``audit list``, from its last record (a finished record replaces its started one)."""
    header, result = _dict(record.get("header")), _dict(record.get("result"))
    return {
        "started_at": header.get("started_at"),
        "policy": _dict(header.get("policy")).get("name"),
        "status": str(result.get("status", "started")),
        "reason_code": result.get("reason_code"),
        "rows_in": _dict(header.get("input")).get("rows"),
        "rows_out": _dict(result.get("output")).get("rows"),
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
