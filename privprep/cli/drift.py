"""``privprep drift RUN_A RUN_B``: what changed in the output from one run to another."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from privprep.cli.app import JsonOption, app, out, user_errors
from privprep.cli.help import epilog
from privprep.cli.where import LogOption, PolicyOption, audit_log, find

if TYPE_CHECKING:
    from privprep.drift.model import Comparison


@app.command(
    epilog=epilog("privprep drift 20261201T0900 20261202T0900 --policy policies/customers-ml.yaml --json")
)
@user_errors
def drift(
    run_a: str = typer.Argument(..., help="Baseline run id (a unique prefix is enough)."),
    run_b: str = typer.Argument(..., help="Run to compare with it."),
    log: Path | None = LogOption,
    policy: Path | None = PolicyOption,
    psi: float = typer.Option(0.2, "--psi", min=0.0, help="PSI above which a column counts as drifted."),
    null_rate: float | None = typer.Option(None, "--null-rate", help="Largest null-rate change allowed."),
    as_json: bool = JsonOption,
) -> None:
    """Schema changes, per-column PSI and null-rate change, label distribution change (no values)."""
    from privprep.drift.compare import compare, profile_of

    found, where = audit_log(log, policy)
    a, b = find(found, where, run_a), find(found, where, run_b)
    comparison = compare(
        profile_of(a), profile_of(b), psi_limit=psi, null_rate_limit=null_rate,
        baseline=a.get("run_id"), current=b.get("run_id"),
    )  # fmt: skip
    if as_json:
        from privprep.cli.shapes import DriftJson

        drifted = [c.column for c in comparison.drifted]
        DriftJson(comparison=comparison, drifted=drifted, problems=comparison.problems()).emit()
        return
    render(comparison)


def render(c: Comparison) -> None:
    """The comparison as terminal tables."""
    out.print(f"drift from run {c.baseline} to run {c.current}", highlight=False)
    s = c.schema_
    if not s.changed:
        out.print("[green]schema unchanged[/]")
    for name in s.added:
        out.print(f"[yellow]+ column {escape(name)} added[/]", highlight=False)
    for name in s.removed:
        out.print(f"[yellow]- column {escape(name)} removed[/]", highlight=False)
    for r in s.retyped:
        out.print(f"[yellow]~ column {escape(r.column)} retyped {r.before} → {r.after}[/]", highlight=False)
    table = Table("column", "PSI", "null rate before → after", "", title="columns")
    for col in c.columns:
        value = f"{col.psi:.3f}" if col.psi is not None else "n/a"
        flag = "[red]drifted[/]" if col.drifted else escape(col.note or "")
        table.add_row(col.column, value, f"{col.null_rate_before:.2%} → {col.null_rate_after:.2%}", flag)
    out.print(table)
    for label in c.labels:
        shares = Table("class", "share before", "share after", title=f"label {label.column}")
        for name, before, after in zip(label.classes, label.before, label.after, strict=True):
            shares.add_row(name, _share(before), _share(after))
        out.print(shares)
    verdict = (
        f"{len(c.drifted)} column(s) drifted (PSI > {c.psi_limit:g})" if c.drifted else "no column drifted"
    )
    out.print(verdict, highlight=False)


def _share(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else "< k rows"
