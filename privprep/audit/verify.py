"""Verify an audit log: every hash a record holds, every link, every signature, the anchored head,
runs that never completed, and every file a record names (see :mod:`privprep.audit.files`)."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from privprep.audit.chain import GENESIS, digest, record_hash_ok
from privprep.audit.sign import signature_problem
from privprep.audit.store import AuditLog, TornTail, kind

KINDS = ("started", "finished", "recovery", "serve")


@dataclass
class Verification:
    """Outcome of :func:`verify_log`: ``ok`` unless ``problems`` lists something."""

    records: int = 0
    outputs_checked: int = 0
    releases_checked: int = 0
    head: str = GENESIS
    signers: list[str] = field(default_factory=list)
    torn: TornTail | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


def verify_log(
    log: AuditLog,
    *,
    expect_key: str | Iterable[str] | None = None,
    expect_head: str | None = None,
    check_outputs: bool = True,
    allow_unsigned: bool = False,
) -> Verification:
    """Detect edited, deleted, reordered, inserted or forged records and files changed since.

    ``expect_key``: the signer fingerprint(s) the log must be signed with; ``expect_head``: a record
    hash (or its first 16+ characters) anchored elsewhere, which the log must still contain;
    ``allow_unsigned``: accept unsigned records of runs that had no master key (a note each), which
    leaves only the hash chain, which anyone with write access can recompute.
    """
    result = Verification()
    records = log.records()
    result.records = len(records)
    result.torn = log.torn_tail()
    if result.torn:
        result.problems.append(
            f"{log.path} ends with {result.torn.length} bytes of a torn record (a crash or a full disk while"
            " appending, or a truncated log); the next run sets them aside"
        )
    signed = _check_chain(records, result, allow_unsigned)
    pinned = [expect_key] if isinstance(expect_key, str) else list(expect_key or [])
    _check_signers(signed, {_fingerprint(k) for k in pinned}, result)
    if expect_head is not None:
        _check_anchor(records, expect_head, result)
    _check_runs(log, records, result)
    if check_outputs:
        from privprep.audit.files import check_files

        check_files(log, records, result)
    return result


def where(number: int, record: dict[str, Any]) -> str:
    return f"record {number} (run {record.get('run_id', '?')})"


def _check_chain(
    records: list[dict[str, Any]], result: Verification, allow_unsigned: bool
) -> list[tuple[int, str]]:
    """Hash, link, header hash and signature of each record; returns ``(number, signer)`` of the signed."""
    prev, signed = GENESIS, []
    for number, record in enumerate(records, start=1):
        at, what = where(number, record), kind(record)
        if what not in KINDS:
            result.problems.append(f"{at}: has no known kind ({', '.join(KINDS)})")
        if not record_hash_ok(record):
            result.problems.append(f"{at}: content does not match its hash (edited)")
        if record.get("prev_hash") != prev:
            result.problems.append(
                f"{at}: does not link to the record before it (a record was deleted, inserted or reordered)"
            )
        if what in ("started", "finished", "serve"):
            header = record.get("header")
            if record.get("header_sha256") != digest(header):
                result.problems.append(f"{at}: its header does not match its header_sha256 (edited)")
            elif not isinstance(header, dict) or header.get("run_id") != record.get("run_id"):
                result.problems.append(f"{at}: its header names another run")
        signer = _check_signature(at, what, record, result, allow_unsigned)
        if signer:
            signed.append((number, signer))
        prev = record.get("hash", "")
    result.head = prev if isinstance(prev, str) else ""
    return signed


def _check_signature(
    at: str, what: str | None, record: dict[str, Any], result: Verification, allow_unsigned: bool
) -> str | None:
    if all(record.get(f) is None for f in ("sig", "signer", "pubkey")):
        outcome = record.get("result")
        failed = isinstance(outcome, dict) and outcome.get("status") == "failed"
        if what == "recovery" or (what == "finished" and failed):
            result.notes.append(f"{at}: not signed (written before the run's master key was known)")
        elif allow_unsigned:
            result.notes.append(f"{at}: not signed (accepted: --allow-unsigned)")
        else:
            result.problems.append(
                f"{at}: not signed; only a run that failed before its key was known can be"
                " (a run without a master key: --allow-unsigned accepts it)"
            )
        return None
    problem = signature_problem(record)
    if problem:
        result.problems.append(f"{at}: {problem}")
        return None
    return str(record["signer"])


def _check_signers(signed: list[tuple[int, str]], pinned: set[str], result: Verification) -> None:
    """One signer throughout, or only pinned ones; a forged log signed with another key fails here."""
    first: dict[str, int] = {}
    for number, signer in signed:
        first.setdefault(signer, number)
    result.signers = list(first)
    if pinned:
        if not signed:
            result.problems.append("no record is signed, so none is signed by the expected key")
        for signer, number in first.items():
            if signer not in pinned:
                count = sum(s == signer for _, s in signed)
                result.problems.append(
                    f"record {number}: signed by {signer} ({count} record(s)), which is not an expected key"
                )
    elif len(first) > 1:
        original = result.signers[0]
        for signer, number in list(first.items())[1:]:
            result.problems.append(
                f"record {number}: the signer changes from {original} to {signer}"
                " (pass both with --expect-key to accept a key change)"
            )


def _check_anchor(records: list[dict[str, Any]], expected: str, result: Verification) -> None:
    anchor = expected.strip().lower()
    if len(anchor) < 16 or set(anchor) - set(string.hexdigits.lower()):
        result.problems.append("the expected head must be at least 16 hex characters of a record hash")
        return
    found = [n for n, r in enumerate(records, start=1) if str(r.get("hash", "")).startswith(anchor)]
    if not found:
        result.problems.append(
            f"the expected head {anchor[:16]} is not in this log: records after it were deleted,"
            " or the log was truncated or replaced"
        )
    else:
        result.notes.append(f"the expected head is record {found[0]} of {len(records)}")


def _check_runs(log: AuditLog, records: list[dict[str, Any]], result: Verification) -> None:
    """Runs that never completed, and what recovery records say was set aside."""
    finished = {str(r.get("run_id")) for r in records if kind(r) == "finished"}
    for number, record in enumerate(records, start=1):
        if kind(record) == "started" and str(record.get("run_id")) not in finished:
            result.notes.append(f"{where(number, record)}: run never completed")
        if kind(record) == "recovery":
            _check_recovery(log, number, record, result)


def _check_recovery(log: AuditLog, number: int, record: dict[str, Any], result: Verification) -> None:
    from privprep.audit.files import file_sha256

    torn = record.get("torn") if isinstance(record.get("torn"), dict) else {}
    name = str(torn.get("moved_to", "")).rsplit("/", 1)[-1]
    side = log.path.with_name(name if name not in ("", ".", "..") else "-")
    note = f"record {number}: recovery: {torn.get('bytes')} bytes of a torn record were set aside in {side}"
    found = file_sha256(side)
    if found is None:
        result.notes.append(note + " (that file no longer exists)")
    elif found != torn.get("sha256"):
        result.problems.append(f"record {number}: {side} no longer holds the torn bytes it recorded")
    else:
        result.notes.append(note)


def _fingerprint(text: str) -> str:
    found = text.strip().lower()
    return found if found.startswith("ed25519:") else f"ed25519:{found}"
