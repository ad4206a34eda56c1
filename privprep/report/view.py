"""What a report shows, read from one audit record: plain values any renderer can lay out.

Only fields of the record are used; the record never holds data values, and neither
does anything built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from privprep.audit import AuditLog, verify_log
from privprep.audit.chain import record_hash_ok
from privprep.report import fmt
from privprep.report.releases import ReleaseView, release_views
from privprep.report.risk import CheckView, check_views


@dataclass(frozen=True)
class ColumnView:
    """One input column: what the policy did with it, what detection said, value-free statistics."""

    name: str
    dtype_in: str
    dtype_out: str | None  # None: dropped, or no output profile (a failed run)
    dropped: bool
    action: str
    params: str
    decided_by: str
    entity: str | None
    score: float | None
    summary: str
    evidence: list[tuple[str, str]]
    stats_in: dict[str, Any]
    stats_out: dict[str, Any]


@dataclass(frozen=True)
class ChainView:
    """Whether the record is intact and, with the log at hand, whether the whole chain is."""

    ok: bool | None  # None: the log was not checked
    summary: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunView:
    run_id: str
    status: str
    reason_code: str | None
    message: str | None
    policy: dict[str, Any]
    started_at: str
    finished_at: str
    key_fingerprint: str | None
    files: list[tuple[str, dict[str, Any]]]
    summary: list[tuple[str, str]]
    columns: list[ColumnView]
    checks: list[CheckView]
    releases: list[ReleaseView]
    warnings: list[str]
    timings: dict[str, float]
    versions: dict[str, str]
    chain: ChainView
    detection: dict[str, Any] | None


def build_view(record: dict[str, Any], log: AuditLog | None = None) -> RunView:
    """Everything the reports show, from ``record`` (and the chain status, when ``log`` is given)."""
    header, result = record.get("header") or {}, record.get("result") or {}
    profile = result.get("profile") or {}
    columns = _columns(header, result.get("detection"), profile)
    checks = check_views(result.get("checks"))
    releases = release_views(result.get("releases") or [])
    chain = _chain(record, log)
    return RunView(
        run_id=str(record.get("run_id", "")),
        status=str(result.get("status", "unknown")),
        reason_code=result.get("reason_code"),
        message=result.get("message"),
        policy=header.get("policy") or {},
        started_at=str(header.get("started_at", "")),
        finished_at=str(result.get("finished_at", "")),
        key_fingerprint=header.get("key_fingerprint"),
        files=[("input", header.get("input") or {}), ("output", result.get("output") or {})],
        summary=_summary(header, result, columns, checks, releases, chain),
        columns=columns,
        checks=checks,
        releases=releases,
        warnings=[str(w) for w in result.get("warnings") or []],
        timings=result.get("timings") or {},
        versions=header.get("versions") or {},
        chain=chain,
        detection=_detection_settings(result.get("detection")),
    )


def _columns(
    header: dict[str, Any], detection: dict[str, Any] | None, profile: dict[str, Any]
) -> list[ColumnView]:
    findings = {f.get("name"): f for f in (detection or {}).get("columns") or []}
    stats_in = (profile.get("input") or {}).get("columns") or {}
    stats_out = (profile.get("output") or {}).get("columns") or {}
    views = []
    for col in header.get("columns") or []:
        name = col.get("name", "")
        finding = findings.get(name) or {}
        evidence = dict(finding.get("evidence") or {})
        dropped = col.get("action") == "drop"
        out = {} if dropped else stats_out.get(name) or {}
        views.append(ColumnView(
            name=name,
            dtype_in=str(col.get("dtype", "")),
            dtype_out=out.get("dtype"),
            dropped=dropped,
            action=str(col.get("action", "")),
            params=fmt.params(col.get("params") or {}),
            decided_by=str(col.get("source", "")),
            entity=finding.get("entity"),
            score=finding.get("score"),
            summary=str(evidence.pop("summary", "")),
            evidence=[(fmt.label(k), fmt.scalar(v)) for k, v in evidence.items()],
            stats_in=stats_in.get(name) or {},
            stats_out=out,
        ))  # fmt: skip
    return views


def _summary(
    header: dict[str, Any],
    result: dict[str, Any],
    columns: list[ColumnView],
    checks: list[CheckView],
    releases: list[ReleaseView],
    chain: ChainView,
) -> list[tuple[str, str]]:
    rows_in = (header.get("input") or {}).get("rows")
    rows_out = (result.get("output") or {}).get("rows")
    kept = sum(1 for c in columns if not c.dropped)
    cards = [
        ("rows in → out", f"{fmt.num(rows_in)} → {fmt.num(rows_out)}"),
        ("columns in → out", f"{len(columns)} → {kept}"),
    ]
    cards += [(c.achieved_label, c.achieved) for c in checks]
    suppressed = (result.get("checks") or {}).get("rows_suppressed")
    if suppressed is not None:
        cards.append(("rows suppressed", fmt.num(suppressed)))
    if releases:
        spent = sum(r.epsilon or 0.0 for r in releases)
        cards.append((f"ε spent ({len(releases)} release{'s' if len(releases) > 1 else ''})", f"{spent:.4g}"))
    cards.append(("warnings", str(len(result.get("warnings") or []))))
    cards.append(
        ("audit chain", "verified" if chain.ok else "NOT intact" if chain.ok is False else "not checked")
    )
    return cards


def _chain(record: dict[str, Any], log: AuditLog | None) -> ChainView:
    intact = record_hash_ok(record)
    own = "this record matches its hash" if intact else "this record does NOT match its hash (edited)"
    if log is None:
        return ChainView(None if intact else False, f"{own}; the audit log itself was not checked")
    verification = verify_log(log)
    hashes = [r.get("hash") for r in log.records()]
    problems = list(verification.problems)
    if record.get("hash") not in hashes:
        problems.append("this record is not in the log")
    ok = intact and not problems
    summary = (
        f"{own}; {verification.records} record(s) in {log.path}, chain "
        f"{'intact' if verification.ok else 'BROKEN'}; {verification.outputs_checked} output file(s) checked;"
        f" head {fmt.short(verification.head)}"
    )
    return ChainView(ok, summary, problems, list(verification.notes))


def _detection_settings(detection: dict[str, Any] | None) -> dict[str, Any] | None:
    if not detection:
        return None
    return {k: v for k, v in detection.items() if k != "columns"}
