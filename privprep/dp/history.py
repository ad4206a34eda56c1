"""What the audit log knows about a budget: every DP release a finished run recorded.

The ledger must hold at least these spends (see :meth:`Ledger.reserve`). A release belongs to a
budget when its record names the dataset, or when its run read the same input bytes (the header's
input sha256) under another dataset name: a budget belongs to the data, not to a name.

Only ``finished`` records (and old records without ``kind``) prove a release: a ``started`` record
is written before the budget is even reserved, so it proves nothing was spent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from privprep.audit.store import AuditLog
from privprep.dp.seal import exact


@dataclass(frozen=True)
class KnownRelease:
    """One release a finished audit record holds."""

    run_id: str
    name: str
    dataset: str
    epsilon: float
    delta: float
    ledger: str | None
    record: int  # 1-based position in the log


@dataclass(frozen=True)
class History:
    """``releases`` of the dataset; ``renamed``: releases of the same input under another dataset name."""

    log: str
    releases: list[KnownRelease] = field(default_factory=list)
    renamed: list[KnownRelease] = field(default_factory=list)

    @property
    def epsilon(self) -> Fraction:
        return sum((exact(r.epsilon) for r in self.releases), Fraction(0))


def _releases(number: int, record: Any) -> list[tuple[KnownRelease, str | None]]:
    """(release, input sha256 of its run) for each release a finished record holds."""
    if not isinstance(record, dict) or record.get("kind", "finished") != "finished":
        return []
    result, header = record.get("result"), record.get("header")
    if not isinstance(result, dict) or not isinstance(result.get("releases"), list):
        return []
    source = header.get("input") if isinstance(header, dict) else None
    sha = source.get("sha256") if isinstance(source, dict) else None
    out = []
    for entry in result["releases"]:
        if isinstance(entry, dict) and isinstance(entry.get("dataset"), str):
            known = KnownRelease(
                run_id=str(entry.get("run_id") or record.get("run_id")),
                name=str(entry.get("name")),
                dataset=entry["dataset"],
                epsilon=float(entry.get("epsilon") or 0.0),
                delta=float(entry.get("delta") or 0.0),
                ledger=entry.get("ledger"),
                record=number,
            )
            out.append((known, sha))
    return out


def audit_history(log: AuditLog, dataset: str, input_sha256: str | None) -> History:
    """The releases ``log`` records for ``dataset`` and for the input whose sha256 is given."""
    history = History(str(log.path))
    for number, record in enumerate(log.records(), start=1):
        for known, sha in _releases(number, record):
            if known.dataset == dataset:
                history.releases.append(known)
            elif input_sha256 is not None and sha == input_sha256:
                history.renamed.append(known)
    return history
