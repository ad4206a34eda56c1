"""``privprep audit show``: the report's content in a terminal (rich). Record text is never markup."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from privprep.report import fmt
from privprep.report.releases import ReleaseView
from privprep.report.risk import CheckView, Histogram
from privprep.report.view import RunView, build_view

STYLES = {"success": "green", "passed": "green", "failed": "red", "suppressed": "yellow"}
BAR_WIDTH = 30


def render_record(record: dict[str, Any], console: Console) -> None:
    """Print one run's record: outcome, files, risk checks, columns, DP releases, warnings."""
    view = build_view(record)
    console.print(_head(view))
    console.print(_summary(view))
    console.print(_files(view))
    for check in view.checks:
        console.print(_check(check))
    console.print(_columns(view))
    for panel in ml_panels(view):
        console.print(panel)
    for release in view.releases:
        console.print(_release(release))
    if view.warnings:
        console.print(Text("warnings", style="bold yellow"))
        for warning in view.warnings:
            console.print(Text("  • ") + Text(warning))
    console.print(Text(view.chain.summary, style="dim"))
    console.print(Text("run `privprep audit verify` to check the whole chain", style="dim"))


def ml_panels(view: RunView) -> list[Panel]:
    """Dedupe, split and label facts (class bars, counts under k hidden) and the drift comparison."""
    from privprep.report.ml import drift_rows, label_views, prep_facts

    panels = []
    facts = prep_facts(view.prep)
    for label in label_views(view.prep):
        peak = max([n for _, n in label.classes if n is not None] or [1])
        bars = _table("class", "rows", box=None)
        for name, n in label.classes:
            bar = Text("█" * round(BAR_WIDTH * n / peak) or "·", style="cyan") if n is not None else Text("·")
            bars.add_row(Text(name), bar + Text(f" {fmt.num(n) if n is not None else f'< {label.k}'}"))
        kv = Table.grid(padding=(0, 2))
        for key, value in [*label.facts, ("imbalance ratio", label.imbalance)]:
            kv.add_row(Text(key, style="dim"), Text(value))
        panels.append(Panel(Group(kv, bars), title=Text(f"label {label.column}"), title_align="left"))
    if facts:
        kv = Table.grid(padding=(0, 2))
        for key, value in facts:
            kv.add_row(Text(key, style="dim"), Text(value))
        panels.append(Panel(kv, title="training data", title_align="left"))
    comparison = view.drift.comparison if view.drift else None
    if comparison is not None:
        table = _table("column", "PSI", "null rate before → after", "", box=None)
        for row in drift_rows(comparison):
            table.add_row(*(Text(v) for v in row))
        lines = [Text(line, style="yellow") for line in comparison.problems() if "drifted" not in line]
        title = Text(f"drift against run {comparison.baseline}")
        panels.append(Panel(Group(*lines, table), title=title, title_align="left"))
    return panels


def _table(*headers: str, **options: Any) -> Table:
    """A table whose headers are plain text (they may come from the record)."""
    table = Table(**options)
    for header in headers:
        table.add_column(Text(header))
    return table


def _status(text: str) -> Text:
    return Text(text.replace("_", " "), style=f"bold {STYLES.get(text, 'yellow')}")


def _head(view: RunView) -> Panel:
    lines = [
        Text.assemble(
            "policy ",
            (str(view.policy.get("name", "")), "bold"),
            f"  sha256 {fmt.short(view.policy.get('sha256'))}",
        ),
        Text(f"{view.started_at} → {view.finished_at}   key {view.key_fingerprint or 'none'}"),
    ]
    if view.status == "failed":
        lines.append(Text(f"{view.reason_code}: {view.message or ''}", style="red"))
    title = Text.assemble(f"run {view.run_id} ", _status(view.status))
    return Panel(
        Group(*lines), title=title, title_align="left", border_style=STYLES.get(view.status, "yellow")
    )


def _summary(view: RunView) -> Table:
    grid = Table.grid(padding=(0, 3))
    for _ in view.summary:
        grid.add_column()
    grid.add_row(*(Text(label, style="dim") for label, _ in view.summary))
    grid.add_row(*(Text(value, style="bold") for _, value in view.summary))
    return grid


def _files(view: RunView) -> Table:
    table = _table("", "path", "rows", "sha256", title="files", title_justify="left", box=None)
    for role, info in view.files:
        if info:
            path = Text(str(info.get("path") or "in memory"))
            table.add_row(
                Text(role),
                path,
                Text(fmt.num(info.get("rows"))),
                Text(str(info.get("sha256") or fmt.MISSING)),
            )
    return table


def _check(c: CheckView) -> Panel:
    metrics = _table("", *c.stages, box=None)
    for label, values in c.metrics:
        metrics.add_row(Text(label), *(Text(v, justify="right") for v in values))
    parts: list[Any] = [Text(f"{c.requirement} · {c.settings}", style="dim"), metrics, _bars(c.histogram)]
    parts += [Text(line, style="yellow") for line in c.suggestion]
    title = Text.assemble(f"{c.title} ", _status(c.status), f"  {c.achieved_label}: {c.achieved}")
    return Panel(Group(*parts), title=title, title_align="left")


def _bars(h: Histogram) -> Table:
    """Classes per bucket for each stage, as text bars; red under the threshold."""
    table = _table(h.axis, *(name for name, _ in h.series), box=None)
    peaks = [max([*values, 1]) for _, values in h.series]
    for i, label in enumerate(h.labels):
        style = "red" if h.below[i] else "cyan"
        cells = [
            Text("█" * round(BAR_WIDTH * values[i] / peak) or "·", style=style)
            + Text(f" {fmt.num(values[i])}")
            for (_, values), peak in zip(h.series, peaks, strict=True)
        ]
        table.add_row(Text(label), *cells)
    return table


def _columns(view: RunView) -> Table:
    header = ("column", "action", "by", "detected", "nulls in → out", "distinct in → out")
    table = _table(*header, title="columns", title_justify="left")
    for c in view.columns:
        out = "dropped" if c.dropped else None
        nulls = f"{fmt.pct(c.stats_in.get('null_rate'))} → {out or fmt.pct(c.stats_out.get('null_rate'))}"
        distinct = f"{fmt.num(c.stats_in.get('distinct'))} → {out or fmt.num(c.stats_out.get('distinct'))}"
        detected = (
            f"{c.entity} {c.score:.2f}" if c.entity and isinstance(c.score, int | float) else c.entity or ""
        )
        table.add_row(
            Text(c.name, style="dim strike" if c.dropped else "bold"),
            Text.assemble(c.action, (f" {c.params}" if c.params else "", "dim")),
            Text(c.decided_by),
            Text(detected),
            Text(nulls, justify="right"),
            Text(distinct, justify="right"),
        )
    return table


def _release(r: ReleaseView) -> Panel:
    kv = Table.grid(padding=(0, 2))
    for key, value in [*r.headline, *r.details]:
        kv.add_row(Text(key, style="dim"), Text(value))
    parts: list[Any] = [kv]
    for title, header, rows in r.tables:
        table = _table(*header, title=Text(title), title_justify="left", box=None)
        for row in rows:
            table.add_row(*(Text(v) for v in row))
        parts.append(table)
    return Panel(Group(*parts), title=Text(f"DP release {r.name}"), title_align="left")
