"""Lay a :class:`RunView` out as one self-contained HTML page; every text is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from privprep.report import fmt, svg
from privprep.report.releases import ReleaseView
from privprep.report.risk import CheckView
from privprep.report.style import CSS
from privprep.report.view import ColumnView, RunView

CSP = "default-src 'none'; style-src 'unsafe-inline'"  # the page may load nothing and run nothing


def e(value: Any) -> str:
    """Escaped text."""
    return escape(str(value), quote=True)


def tag(name: str, inner: str, cls: str = "") -> str:
    """``<name class="cls">inner</name>``; ``inner`` must already be markup or escaped text."""
    return f'<{name} class="{e(cls)}">{inner}</{name}>' if cls else f"<{name}>{inner}</{name}>"


def table(
    header: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool] = (), cls: str = ""
) -> str:
    """A table of already-rendered cells; ``numeric`` right-aligns columns."""

    def cells(kind: str, values: Sequence[str]) -> str:
        return "".join(
            tag(kind, v, "n" if i < len(numeric) and numeric[i] else "") for i, v in enumerate(values)
        )

    head = tag("tr", cells("th", [e(h) for h in header])) if header else ""
    return tag("table", head + "".join(tag("tr", cells("td", row)) for row in rows), cls)


def section(title: str, inner: str, cls: str = "") -> str:
    return tag("section", tag("h2", title) + inner, cls)


def page(view: RunView) -> str:
    """The whole document."""
    from privprep.report.ml_html import ml_sections  # it builds on this module's helpers

    name = view.policy.get("name") or "policy"
    body = "".join([
        _top(view), _failure(view), _cards(view), _files(view), _risk(view), _columns(view),
        ml_sections(view.prep, view.drift), _releases(view), _warnings(view), _chain(view), _footer(view),
    ])  # fmt: skip
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>privprep report: {e(name)} {e(view.run_id)}</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _badge(text: str, kind: str | None = None) -> str:
    return tag("span", e(text.replace("_", " ")), f"badge {kind or text}")


def _top(view: RunView) -> str:
    sub = (
        f"policy <b>{e(view.policy.get('name', ''))}</b> · run <code>{e(view.run_id)}</code>"
        f" · {e(view.started_at)} → {e(view.finished_at)}"
    )
    heading = tag("div", tag("h1", "privprep run report") + tag("p", sub, "sub"))
    return tag("header", heading + _badge(view.status), f"top {view.status}")


def _failure(view: RunView) -> str:
    if view.status != "failed":
        return ""
    head = tag("b", f"The run failed ({e(view.reason_code)}); no output was written.")
    return tag("section", head + tag("p", e(view.message or "")), "failure")


def _cards(view: RunView) -> str:
    cards = (tag("div", tag("div", e(k), "k") + tag("div", e(v), "v"), "card") for k, v in view.summary)
    return tag("section", "".join(cards), "cards")


def _files(view: RunView) -> str:
    policy = view.policy
    about = [
        (
            "policy",
            f"{e(policy.get('name', ''))}<br>{tag('span', e(policy.get('description') or ''), 'muted')}",
        ),
        ("policy sha256", tag("code", e(policy.get("sha256") or fmt.MISSING), "hash")),
        ("key fingerprint", tag("code", e(view.key_fingerprint or "no key used"))),
    ]
    files = [
        [e(role), tag("code", e(info.get("path") or "in memory")), e(fmt.num(info.get("rows"))),
         tag("code", e(info.get("sha256") or fmt.MISSING), "hash")]
        for role, info in view.files
        if info
    ]  # fmt: skip
    return section(
        "Policy and files",
        _key_values([(k, v) for k, v in about], escaped=True)
        + "<br>"
        + table(["", "path", "rows", "sha256 fingerprint"], files, [False, False, True]),
    )


def _key_values(pairs: Iterable[tuple[str, str]], escaped: bool = False) -> str:
    rows = (tag("tr", tag("th", e(k)) + tag("td", v if escaped else e(v))) for k, v in pairs)
    return tag("table", "".join(rows), "kv")


def _risk(view: RunView) -> str:
    if not view.checks:
        return section(
            "Re-identification risk",
            tag("p", "This policy has no k-anonymity or l-diversity check.", "muted"),
        )
    return section("Re-identification risk", "".join(_check(c) for c in view.checks))


def _check(c: CheckView) -> str:
    metrics = table(
        ["", *c.stages], ([e(label), *map(e, values)] for label, values in c.metrics), [False] + [True] * 3
    )
    hint = ""
    if c.suggestion:
        items = "".join(tag("li", e(line)) for line in c.suggestion[1:])
        hint = tag("div", tag("b", e(c.suggestion[0])) + (tag("ul", items) if items else ""), "hint")
    sub = f"{e(c.requirement)} · {e(c.settings)} · <b>{e(c.achieved_label)}: {e(c.achieved)}</b>"
    return tag(
        "div",
        tag("h3", f"{e(c.title)} {_badge(c.status)}") + tag("p", sub, "sub")
        + tag("div", metrics + svg.histogram(c.histogram), "grid") + hint,
        "check",
    )  # fmt: skip


COLUMN_HEADER = ["column", "action", "decided by", "detected", "evidence", "nulls in → out",
                 "distinct in → out", "median length in → out"]  # fmt: skip


def _columns(view: RunView) -> str:
    """The column table; detection and statistics columns only when the record has them."""
    detected = any(c.entity or c.summary for c in view.columns)
    profiled = any(c.stats_in for c in view.columns)
    hidden = set() if detected else {"detected", "evidence"}
    hidden |= set() if profiled else set(COLUMN_HEADER[-3:])
    keep = [i for i, name in enumerate(COLUMN_HEADER) if name not in hidden]
    header = [COLUMN_HEADER[i] for i in keep]
    rows = ([cells[i] for i in keep] for cells in map(_column, view.columns))
    table_html = table(header, rows, [h.endswith("in → out") for h in header])
    note = (
        ""
        if profiled
        else tag("p", "No statistics: the run stopped before the output was profiled.", "muted")
    )
    return section("Columns", table_html + note + _detection(view))


def _column(c: ColumnView) -> list[str]:
    out, dropped = c.stats_out, c.dropped
    dtype = c.dtype_in + (f" → {c.dtype_out}" if c.dtype_out and c.dtype_out != c.dtype_in else "")
    detected = fmt.MISSING
    if c.entity:
        score = f"{c.score:.2f}" if isinstance(c.score, int | float) else ""
        detected = tag("span", e(c.entity), "entity") + " " + tag("span", e(score), "muted")
    evidence = e(c.summary)
    if c.evidence:
        items = "".join(tag("dt", e(k)) + tag("dd", e(v)) for k, v in c.evidence)
        evidence += tag("details", tag("summary", "details") + tag("dl", items))
    return [
        tag("b", e(c.name), "dropped" if dropped else "") + "<br>" + tag("span", e(dtype), "params"),
        tag("span", e(c.action), "action") + "<br>" + tag("span", e(c.params), "params"),
        e(c.decided_by),
        detected,
        evidence,
        _pair(c.stats_in.get("null_rate"), out.get("null_rate"), fmt.pct, dropped),
        _pair(c.stats_in.get("distinct"), out.get("distinct"), fmt.num, dropped),
        _lengths(c.stats_in.get("length"), out.get("length"), dropped),
    ]


def _lengths(before: list[float] | None, after: list[float] | None, dropped: bool) -> str:
    """Median text length in → out, and both box plots."""
    if not before and not after:
        return ""
    median = _pair((before or [None] * 5)[2], (after or [None] * 5)[2], fmt.num, dropped)
    return tag("div", median, "n") + svg.lengths(before, after)


def _pair(before: Any, after: Any, show: Any, dropped: bool) -> str:
    right = "dropped" if dropped else show(after) if after is not None else fmt.MISSING
    return f"{e(show(before) if before is not None else fmt.MISSING)} → {e(right)}"


def _detection(view: RunView) -> str:
    info = view.detection
    if not info:
        return tag(
            "p", "Detection did not run: the policy names every column (or a rule settles it).", "muted"
        )
    text = f"Detection classified the unlisted columns from {fmt.num(info.get('rows_sampled'))} sampled rows"
    text += f" (named-entity recognition: {fmt.num(info.get('ner'))})."
    rest = "".join(tag("dt", e(fmt.label(k))) + tag("dd", e(fmt.scalar(v))) for k, v in info.items())
    return tag("p", e(text), "muted") + tag("details", tag("summary", "detection settings") + tag("dl", rest))


def _releases(view: RunView) -> str:
    if not view.releases:
        return ""
    return section("Differential privacy releases", "".join(_release(r) for r in view.releases))


def _release(r: ReleaseView) -> str:
    tables = "".join(
        tag("p", tag("b", e(title))) + table(header, ([e(v) for v in row] for row in rows))
        for title, header, rows in r.tables
    )
    return tag("div", tag("h3", e(r.name)) + _key_values([*r.headline, *r.details]) + tables, "check")


def _warnings(view: RunView) -> str:
    if not view.warnings:
        return section("Warnings", tag("p", "None.", "muted"))
    return section(
        f"Warnings ({len(view.warnings)})",
        tag("ul", "".join(tag("li", e(w)) for w in view.warnings), "warnings"),
    )


def _chain(view: RunView) -> str:
    chain = view.chain
    text, kind = {True: ("verified", "ok"), False: ("not intact", "bad")}.get(
        chain.ok, ("not checked", "unchecked")
    )
    items = "".join(tag("li", e(p)) for p in chain.problems) + "".join(
        tag("li", e(n), "muted") for n in chain.notes
    )
    listed = tag("ul", items, "warnings") if items else ""
    if chain.ok is None:
        listed += tag(
            "p", e(f"To verify the chain: privprep report {view.run_id} --log <audit log>"), "muted"
        )
    return tag(
        "section", tag("h2", f"Audit chain {_badge(text, kind)}") + tag("p", e(chain.summary)) + listed
    )


def _footer(view: RunView) -> str:
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in view.timings.items()) or fmt.MISSING
    versions = ", ".join(f"{k} {v}" for k, v in view.versions.items())
    facts = tag(
        "dl", tag("dt", "timings") + tag("dd", e(timings)) + tag("dt", "versions") + tag("dd", e(versions))
    )
    note = (
        "This report is rendered from the run's audit record only: names, counts, shares, hashes and"
        " parameters. It holds no value of the data."
    )
    return tag("footer", facts + tag("p", note))
