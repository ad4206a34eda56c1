"""What a report shows, read from one audit record: plain values any renderer can lay out.

Only fields of the record are used; the record never holds data values, and neither
does anything built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from privprep.audit import AuditLog, verify_log
from privprep.audit.chain import record_hash_ok
from privprep.audit.record import AuditRecord, ColumnProfile, Header, Outcome
from privprep.drift.model import DriftSection
from privprep.errors import ReasonCode, fail
from privprep.prep.records import PrepRecord
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
    prep: PrepRecord | None = None
    drift: DriftSection | None = None


def parse_record(record: dict[str, Any]) -> tuple[AuditRecord, Outcome]:
    """The typed ``finished`` record of a run and its outcome; anything else is AUDIT_INVALID."""
    try:
        parsed = AuditRecord.model_validate(record)
    except ValidationError as exc:  # name the places, never the values pydantic would quote
        places = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})[:5]
        message = f"not a privprep run record ({exc.error_count()} problem(s) at {', '.join(places)})"
        raise fail(ReasonCode.AUDIT_INVALID, message) from None
    if parsed.result is None:
        raise fail(ReasonCode.AUDIT_INVALID, f"run {parsed.run_id} has no finished record (it never ended)")
    return parsed, parsed.result


def build_view(record: dict[str, Any], log: AuditLog | None = None) -> RunView:
    """Everything the reports show, from ``record`` (and the chain status, when ``log`` is given)."""
    parsed, result = parse_record(record)
    header = parsed.header
    columns = _columns(header, result)
    checks = check_views(result.checks.model_dump(mode="json") if result.checks else None)
    releases = release_views([r.model_dump(mode="json") for r in result.releases])
    chain = _chain(record, log)
    output = result.output.model_dump(mode="json", by_alias=True) if result.output else {}
    return RunView(
        run_id=parsed.run_id,
        status=result.status,
        reason_code=result.reason_code,
        message=result.message,
        policy=dict(header.policy),
        started_at=header.started_at,
        finished_at=result.finished_at,
        key_fingerprint=header.key_fingerprint,
        files=[("input", header.input.model_dump(mode="json", by_alias=True)), ("output", output)],
        summary=_summary(header, result, columns, checks, releases, chain),
        columns=columns,
        checks=checks,
        releases=releases,
        warnings=list(result.warnings),
        timings=result.timings,
        versions=dict(header.versions),
        chain=chain,
        detection=result.detection.model_dump(mode="json", exclude={"columns"}) if result.detection else None,
        prep=result.prep,
        drift=result.drift,
    )


def _columns(header: Header, result: Outcome) -> list[ColumnView]:
    findings = {f.name: f for f in result.detection.columns} if result.detection else {}
    profile = result.profile
    stats_in = profile.input.columns if profile else {}
    stats_out = profile.output.columns if profile else {}
    views = []
    for col in header.columns:
        finding = findings.get(col.name)
        evidence = dict(finding.evidence) if finding else {}
        dropped = col.action == "drop"
        out = None if dropped else stats_out.get(col.name)
        views.append(ColumnView(
            name=col.name,
            dtype_in=col.dtype,
            dtype_out=out.dtype if out else None,
            dropped=dropped,
            action=col.action,
            params=fmt.params(col.params),
            decided_by=col.source,
            entity=finding.entity if finding else None,
            score=finding.score if finding else None,
            summary=str(evidence.pop("summary", "")),
            evidence=[(fmt.label(k), fmt.scalar(v)) for k, v in evidence.items()],
            stats_in=_stats(stats_in.get(col.name)),
            stats_out=_stats(out),
        ))  # fmt: skip
    return views


def _stats(profile: ColumnProfile | None) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude_none=True) if profile else {}


def _summary(
    header: Header,
    result: Outcome,
    columns: list[ColumnView],
    checks: list[CheckView],
    releases: list[ReleaseView],
    chain: ChainView,
) -> list[tuple[str, str]]:
    rows_out = result.output.rows if result.output else None
    kept = sum(1 for c in columns if not c.dropped)
    cards = [
        ("rows in → out", f"{fmt.num(header.input.rows)} → {fmt.num(rows_out)}"),
        ("columns in → out", f"{len(columns)} → {kept}"),
    ]
    cards += [(c.achieved_label, c.achieved) for c in checks]
    if result.checks is not None and result.checks.rows_suppressed is not None:
        cards.append(("rows suppressed", fmt.num(result.checks.rows_suppressed)))
    if releases:
        spent = sum(r.epsilon or 0.0 for r in releases)
        cards.append((f"ε spent ({len(releases)} release{'s' if len(releases) > 1 else ''})", f"{spent:.4g}"))
    cards.append(("warnings", str(len(result.warnings))))
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
