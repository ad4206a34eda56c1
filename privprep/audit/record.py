"""The audit record of one run, assembled from each step's typed record. Never holds data values."""

from __future__ import annotations

import importlib.metadata as md
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from privprep.audit.chain import digest

LIBRARIES = ("polars", "polars-hash", "pyarrow", "faker", "presidio-analyzer", "spacy", "opendp")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileInfo(_Model):
    path: str | None
    sha256: str | None
    rows: int | None
    schema_: dict[str, str] | None = Field(None, alias="schema")


class ColumnAction(_Model):
    name: str
    dtype: str
    action: str
    params: dict[str, Any]
    source: str = Field(description="policy | rule | unlisted | detected")


class Header(_Model):
    """What is fixed before any data is written; its hash goes into the output's metadata."""

    run_id: str
    started_at: str
    versions: dict[str, str]
    policy: dict[str, str | None]
    input: FileInfo
    key_fingerprint: str | None
    columns: list[ColumnAction]

    @property
    def sha256(self) -> str:
        return digest(self.model_dump(mode="json", by_alias=True))


class Outcome(_Model):
    """What the run did: status, output fingerprint, warnings and each step's record."""

    status: Literal["success", "failed"]
    reason_code: str | None = None
    message: str | None = None
    finished_at: str
    output: FileInfo | None = None
    warnings: list[str] = Field(default_factory=list)
    detection: dict[str, Any] | None = None
    checks: dict[str, Any] | None = None
    releases: list[dict[str, Any]] = Field(default_factory=list)
    profile: dict[str, Any] | None = None
    timings: dict[str, float] = Field(default_factory=dict)


def new_run_id() -> str:
    """Time-sortable unique id: ``20261127T031500Z-1a2b3c4d``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def versions() -> dict[str, str]:
    found = {"privprep": _version("privprep")}
    found.update({name: _version(name) for name in LIBRARIES})
    return found


def _version(name: str) -> str:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "not installed"


def assemble(header: Header, outcome: Outcome) -> dict[str, Any]:
    """The record as appended to the log (before sealing)."""
    return {
        "run_id": header.run_id,
        "header": header.model_dump(mode="json", by_alias=True),
        "header_sha256": header.sha256,
        "result": outcome.model_dump(mode="json", by_alias=True),
    }
