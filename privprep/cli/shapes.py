"""The ``--json`` documents of the commands: one versioned pydantic model each (docs/cli.md shows them).

Every document starts with ``schema`` (``privprep.<command>/<version>``; the version grows only when a
field is removed or changes meaning, never when one is added) and ``privprep_version``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from privprep.audit.record import ColumnAction
from privprep.detect.report import ColumnFinding
from privprep.dp.records import BudgetSummary
from privprep.drift.model import Comparison
from privprep.version import package_version


class Shape(BaseModel):
    """Fields every ``--json`` document has."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: str = Field(alias="schema", description="privprep.<command>/<version>")
    privprep_version: str = Field(default_factory=package_version)

    def emit(self) -> None:
        """Print the document on one line of standard output."""
        print(self.model_dump_json(by_alias=True))


class ScanJson(Shape):
    schema_: Literal["privprep.scan/1"] = Field("privprep.scan/1", alias="schema")
    rows_sampled: int
    ner: bool = Field(description="whether spaCy NER ran (else patterns and lists only)")
    columns: list[ColumnFinding]


class ProblemJson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    where: str = Field(description="YAML path, e.g. columns.email.kind ('' for a syntax error)")
    line: int | None
    message: str
    code: str | None = Field(description="reason code")


class ValidateJson(Shape):
    schema_: Literal["privprep.validate/1"] = Field("privprep.validate/1", alias="schema")
    policy: str = Field(description="the policy file as given")
    ok: bool
    message: str | None = Field(description="why the policy is invalid (problems follow); null when valid")
    name: str | None = Field(description="the policy's name; null when invalid")
    column_rules: int | None = Field(description="how many columns the policy names; null when invalid")
    problems: list[ProblemJson]


class PlanColumnJson(ColumnAction):
    detected_at_apply: bool = Field(description="unlisted and kept: PII detection decides at apply")


class PlanJson(Shape):
    schema_: Literal["privprep.plan/1"] = Field("privprep.plan/1", alias="schema")
    policy: str = Field(description="the policy's name")
    input: str
    columns: list[PlanColumnJson]
    steps: list[str] = Field(
        default_factory=list, description="the training-data steps (dedupe, labels, split), in run order"
    )


class RunRowJson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str
    started_at: str | None
    policy: str | None = Field(description="the policy's name")
    status: str = Field(description="success | failed | started (never finished)")
    reason_code: str | None
    rows_in: int | None
    rows_out: int | None


class AuditListJson(Shape):
    schema_: Literal["privprep.audit.list/1"] = Field("privprep.audit.list/1", alias="schema")
    log: str
    runs: list[RunRowJson]


class AuditShowJson(Shape):
    schema_: Literal["privprep.audit.show/1"] = Field("privprep.audit.show/1", alias="schema")
    log: str
    record: dict[str, Any] = Field(description="the run's record as stored (see 'The audit log')")


class TornJson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    offset: int
    length: int
    sha256: str


class AuditVerifyJson(Shape):
    schema_: Literal["privprep.audit.verify/1"] = Field("privprep.audit.verify/1", alias="schema")
    log: str
    ok: bool
    records: int
    head: str = Field(description="hash of the last record (64 zeros for an empty log)")
    signers: list[str]
    outputs_checked: int
    releases_checked: int
    torn: TornJson | None = Field(description="a torn last line, if any")
    problems: list[str]
    notes: list[str]


class BudgetJson(Shape):
    schema_: Literal["privprep.budget.show/1"] = Field("privprep.budget.show/1", alias="schema")
    ledger: str
    verified: bool = Field(description="whether every row's MAC and the seal were checked (needs the key)")
    seal: str | None = Field(description="the ledger's seal when verified")
    datasets: list[BudgetSummary]


class DriftJson(Shape):
    schema_: Literal["privprep.drift/1"] = Field("privprep.drift/1", alias="schema")
    comparison: Comparison = Field(description="schema changes, per-column PSI and null rates, label shares")
    drifted: list[str] = Field(description="columns whose PSI or null-rate change is over the limit")
    problems: list[str] = Field(description="one line per schema change and drifted column (no values)")


SHAPES: tuple[type[Shape], ...] = (
    ScanJson, ValidateJson, PlanJson, AuditListJson, AuditShowJson, AuditVerifyJson, BudgetJson, DriftJson,
)  # fmt: skip
"""Every ``--json`` document, in the order docs/cli.md lists them."""
