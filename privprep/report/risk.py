"""The re-identification risk section: k-anonymity / l-diversity numbers and class histograms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privprep.report import fmt

KINDS = {
    # record key: (title, symbol, histogram key, bucket key, axis)
    "k_anonymity": ("k-anonymity", "k", "class_sizes", "size", "rows per class"),
    "l_diversity": ("l-diversity", "l", "diversity", "distinct", "distinct sensitive values per class"),
}
STAGES = (("input", "input"), ("transformed", "before suppression"), ("output", "written"))


@dataclass(frozen=True)
class Histogram:
    """Classes per bucket for each stage; ``below`` marks buckets under the threshold."""

    axis: str
    threshold: str
    labels: list[str]
    series: list[tuple[str, list[int]]]
    rows: list[tuple[str, list[int]]]
    below: list[bool]


@dataclass(frozen=True)
class CheckView:
    title: str
    status: str
    requirement: str
    settings: str
    achieved_label: str
    achieved: str
    stages: list[str]
    metrics: list[tuple[str, list[str]]]
    histogram: Histogram
    suggestion: list[str]


def check_views(checks: dict[str, Any] | None) -> list[CheckView]:
    """One view per check in the record's ``result.checks`` (none when the policy has no checks)."""
    return [_view(key, checks[key]) for key in KINDS if checks and isinstance(checks.get(key), dict)]


def _view(key: str, entry: dict[str, Any]) -> CheckView:
    title, symbol, hist_key, bucket_key, axis = KINDS[key]
    threshold = entry.get(symbol)
    qis = ", ".join(entry.get("quasi_identifiers") or [])
    requirement = f"{symbol} ≥ {threshold} on ({qis})"
    if entry.get("sensitive"):
        requirement += f", sensitive column {entry['sensitive']}"
    settings = f"on_fail: {entry.get('on_fail')}"
    if entry.get("max_suppression"):
        settings += f", max_suppression: {fmt.pct(entry['max_suppression'])}"
    stages = _stages(entry)
    blocks = [entry[name] for name, _ in stages]
    labels = [_stage_label(name, text, entry) for name, text in stages]
    buckets = [b.get(bucket_key, "") for b in (blocks[-1].get(hist_key) or [])] if blocks else []
    per_stage = list(zip(labels, [b.get(hist_key) or [] for b in blocks], strict=True))
    histogram = Histogram(
        axis=axis,
        threshold=f"{symbol} = {threshold}",
        labels=buckets,
        series=[(label, [b.get("classes", 0) for b in buckets_of]) for label, buckets_of in per_stage],
        rows=[(label, [b.get("rows", 0) for b in buckets_of]) for label, buckets_of in per_stage],
        below=[_bucket_start(b) < (threshold or 0) for b in buckets],
    )
    return CheckView(
        title=title,
        status=str(entry.get("status", "")),
        requirement=requirement,
        settings=settings,
        achieved_label=f"{symbol} achieved",
        achieved=fmt.num(entry.get(f"{symbol}_achieved")),
        stages=labels,
        metrics=_metrics(symbol, blocks, entry),
        histogram=histogram,
        suggestion=_suggestion(symbol, threshold, entry.get("suggestion")),
    )


def _stages(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """The stages recorded; 'after transforms' only when suppression made it differ from the output."""
    present = [(name, text) for name, text in STAGES if isinstance(entry.get(name), dict)]
    if entry.get("transformed") == entry.get("output"):
        present = [(name, text) for name, text in present if name != "transformed"]
    return present


def _stage_label(name: str, text: str, entry: dict[str, Any]) -> str:
    return "not written" if name == "output" and entry.get("status") == "failed" else text


def _metrics(symbol: str, blocks: list[dict[str, Any]], entry: dict[str, Any]) -> list[tuple[str, list[str]]]:
    if not blocks:
        return []

    def row(label: str, get: Any) -> tuple[str, list[str]]:
        return label, [get(b) for b in blocks]

    rows = [
        row("rows", lambda b: fmt.num(b.get("rows"))),
        row("classes", lambda b: fmt.num(b.get("classes"))),
        row("smallest class (rows)", lambda b: fmt.num(b.get("smallest_class"))),
        row("unique records", lambda b: fmt.pct(b.get("unique_share"))),
    ]
    if symbol == "l":
        rows.append(row("lowest diversity", lambda b: fmt.num(b.get("lowest_diversity"))))
    rows += [
        row(f"classes below {symbol}", lambda b: fmt.num(_below(b).get("classes"))),
        row(f"rows in classes below {symbol}", lambda b: _rows_share(_below(b).get("rows"), b.get("rows"))),
    ]
    rows.append(("rows suppressed", [""] * (len(blocks) - 1) + [fmt.num(entry.get("rows_suppressed"))]))
    return rows


def _below(block: dict[str, Any]) -> dict[str, Any]:
    return block.get("below_threshold") or {}


def _rows_share(part: int | None, whole: int | None) -> str:
    if part is None:
        return fmt.MISSING
    return f"{fmt.num(part)} ({fmt.pct(part / whole)})" if whole else fmt.num(part)


def _bucket_start(bucket: str) -> int:
    head = str(bucket).split("-")[0].rstrip("+")
    return int(head) if head.isdigit() else 0


def _suggestion(symbol: str, threshold: Any, hint: dict[str, Any] | None) -> list[str]:
    if not hint:
        return []
    best, without = hint.get("quasi_identifier"), hint.get("rows_below_threshold_without") or {}
    if not without:
        return [f"Coarsen {best} further (generalize) so that classes grow."]
    lines = [f"Coarsening or dropping {best} helps most."]
    lines += [
        f"without {qi}: {fmt.num(n)} rows would remain in classes below {symbol} = {threshold}"
        for qi, n in sorted(without.items(), key=lambda item: item[1])
    ]
    return lines
