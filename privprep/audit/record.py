"""The audit records of one run, assembled from each step's typed record. Never hold data values.

A run appends a ``started`` record (its header and every file it intends to write) before any
output is written or any budget released, and a ``finished`` record with the outcome. Readers
(``report/``) load either with ``AuditRecord.model_validate(line)``.
"""

from __future__ import annotations

import functools
import importlib.metadata as md
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from privprep.audit.chain import digest
from privprep.detect.report import ScanReport
from privprep.dp.records import ReleaseRecord
from privprep.drift.model import DriftInfo, DriftSection
from privprep.prep.records import PrepInfo, PrepRecord

LIBRARIES = ("polars", "polars-hash", "pyarrow", "faker", "presidio-analyzer", "spacy", "opendp")
StepName = Literal[
    "open", "detect", "compile", "audit", "reserve", "transform", "check", "write", "release", "profile",
    "prep", "drift",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FileEntry(_Model):
    """One file of a multi-file input or a partitioned output (hive values shown as ``key=*``)."""

    path: str
    size: int
    sha256: str


class QueryInfo(_Model):
    """A query input: the SQL text and the SHA-256 of the database file it ran against."""

    text: str
    database: str
    database_sha256: str


class FileInfo(_Model):
    """An input or output: a file's SHA-256, or for a file set the digest of ``files``."""

    path: str | None
    sha256: str | None
    rows: int | None
    schema_: dict[str, str] | None = Field(None, alias="schema")
    format: str | None = None
    files: list[FileEntry] | None = None
    query: QueryInfo | None = None


class NullIncrease(_Model):
    """A column whose action turned more than the threshold of its non-null input values into nulls."""

    column: str
    action: str
    reason: Literal["unparseable", "out_of_range"]
    nulls_added: int
    non_null_input: int
    share: float = Field(description="nulls_added / non_null_input, over the profiled rows")


class OutputInfo(FileInfo):
    """The written output: its file facts plus its order-independent content digest (privprep.digest)."""

    digest: str | None = None


class EngineInfo(_Model):
    """Which engine ran the plan: ``polars`` (one process) or ``spark`` (with its version, partitions)."""

    name: Literal["polars", "spark"]
    version: str
    partitions: int | None = None


class ColumnAction(_Model):
    name: str
    dtype: str
    action: str
    params: dict[str, Any]
    source: str = Field(description="policy | rule | unlisted | detected | labels")


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


# --- each step's own figures -------------------------------------------------------------------


class OpenInfo(_Model):
    rows: int | None
    columns: int


class DetectInfo(_Model):
    columns_scanned: int
    rows_sampled: int
    ner: bool


class CompileInfo(_Model):
    columns_out: int
    needs_key: bool
    outputs: int = Field(description="files this run will write: the table, DP releases")


class TransformInfo(_Model):
    rows: int | None = Field(description="rows produced (in-memory runs), None when streamed to a file")


class CheckInfo(_Model):
    passed: bool
    rows_checked: int | None
    rows_suppressed: int | None


class WriteInfo(_Model):
    files: int
    rows: int | None


class ReleaseInfo(_Model):
    tables: int
    epsilon: float
    delta: float


class ProfileInfo(_Model):
    columns_in: int
    columns_out: int


class AuditInfo(_Model):
    started_hash: str


StepInfo = (
    OpenInfo | DetectInfo | CompileInfo | TransformInfo | CheckInfo | WriteInfo | ReleaseInfo | ProfileInfo
    | AuditInfo | PrepInfo | DriftInfo
)  # fmt: skip
INFO_TYPES: dict[str, type[_Model]] = {
    "open": OpenInfo, "detect": DetectInfo, "compile": CompileInfo, "transform": TransformInfo,
    "check": CheckInfo, "write": WriteInfo, "release": ReleaseInfo, "profile": ProfileInfo,
    "audit": AuditInfo, "prep": PrepInfo, "drift": DriftInfo,
}  # fmt: skip


class StepRecord(_Model):
    """One step of a run: when it started, how long it took, what it did (``None``: it failed first)."""

    step: StepName
    started_at: str
    seconds: float
    info: StepInfo | None = None

    @field_validator("info", mode="before")
    @classmethod
    def _typed(cls, value: Any, context: ValidationInfo) -> Any:
        """The info model is the one of ``step`` (read back from JSON without guessing)."""
        step = context.data.get("step")
        if isinstance(value, dict) and step in INFO_TYPES:
            return INFO_TYPES[step].model_validate(value)
        return value


# --- sections of the finished record -----------------------------------------------------------


class Checks(_Model):
    """Totals of the risk checks plus each check's own measurements, keyed by check name."""

    model_config = ConfigDict(extra="allow", frozen=True)  # a new kind of check adds its key

    passed: bool
    rows_checked: int | None
    rows_suppressed: int | None
    rows_written: int | None
    k_anonymity: dict[str, Any] | None = None
    l_diversity: dict[str, Any] | None = None


class ColumnProfile(_Model):
    dtype: str
    null_rate: float
    nulls: int | None = None
    distinct: int
    length: list[float | None] | None = None


class FrameProfile(_Model):
    rows: int
    row_limit: int
    columns: dict[str, ColumnProfile]


class Profile(_Model):
    input: FrameProfile
    output: FrameProfile


class TableScrub(_Model):
    """Table-aware scrubbing of one text column: counts per source column, never a value."""

    sources: list[str]
    values: dict[str, int] = Field(description="distinct values looked for, per source column")
    matches: dict[str, int] = Field(description="matches replaced, per source column")
    sampled: dict[str, int] = Field(default_factory=dict, description="values kept, sampled sources only")


class Outcome(_Model):
    """What the run did: status, output fingerprint, warnings, each step and each section."""

    status: Literal["success", "failed"]
    reason_code: str | None = None
    message: str | None = None
    failed_step: StepName | None = None
    finished_at: str
    output: OutputInfo | None = None
    warnings: list[str] = Field(default_factory=list)
    steps: list[StepRecord] = Field(default_factory=list)
    detection: ScanReport | None = None
    scrub: dict[str, TableScrub] | None = None
    fake_locales: dict[str, int] | None = Field(
        None, description="fake columns with locale_from: rows whose country named no locale (default used)"
    )
    checks: Checks | None = None
    releases: list[ReleaseRecord] = Field(default_factory=list)
    profile: Profile | None = None
    null_increases: list[NullIncrease] = Field(default_factory=list)
    prep: PrepRecord | None = None
    drift: DriftSection | None = None
    engine: EngineInfo | None = None

    @property
    def timings(self) -> dict[str, float]:
        return {s.step: s.seconds for s in self.steps}


class Planned(_Model):
    """One file a run intends to write: its target and the temp file staged beside it."""

    path: str
    tmp: str


class PlannedRelease(_Model):
    name: str
    path: str
    epsilon: float
    delta: float


class Intent(_Model):
    """Everything a run will write, and which process writes it (so a later run can tell it died)."""

    outputs: list[Planned]
    releases: list[PlannedRelease] = Field(default_factory=list)
    pid: int
    host: str
    pid_start: str | None = None


class AuditRecord(_Model):
    """One line of the audit log as the engine writes it (``kind`` says which)."""

    kind: Literal["started", "finished"] = "finished"
    run_id: str
    header: Header
    header_sha256: str
    intent: Intent | None = None
    result: Outcome | None = None
    prev_hash: str | None = None
    hash: str | None = None
    sig: str | None = None
    signer: str | None = None
    pubkey: str | None = None


def new_run_id() -> str:
    """Time-sortable unique id: ``20261127T031500Z-1a2b3c4d``."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def versions() -> dict[str, str]:
    """privprep's and its libraries' versions (looked up once per process: installs do not change)."""
    return dict(_versions())


@functools.cache
def _versions() -> dict[str, str]:
    found = {"privprep": _version("privprep")}
    found.update({name: _version(name) for name in LIBRARIES})
    return found


def _version(name: str) -> str:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "not installed"


def started(header: Header, intent: Intent) -> dict[str, Any]:
    """The write-ahead record appended before anything is written or released (before sealing)."""
    return _record("started", header, intent=intent.model_dump(mode="json"))


def assemble(header: Header, outcome: Outcome) -> dict[str, Any]:
    """The ``finished`` record as appended to the log (before sealing)."""
    return _record(
        "finished", header, result=outcome.model_dump(mode="json", by_alias=True, exclude_none=False)
    )


def _record(kind: str, header: Header, **body: Any) -> dict[str, Any]:
    header_json = header.model_dump(mode="json", by_alias=True)
    return {
        "kind": kind,
        "run_id": header.run_id,
        "header": header_json,
        "header_sha256": header.sha256,
        **body,
    }
