"""Typed, value-free records of the prep steps (counts only), as stored in the audit log."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleCount(_Model):
    """One ``map`` entry of the policy and how many rows it moved onto its class."""

    key: str
    target: str
    rows: int


class LabelCounts(_Model):
    """One label column: class counts before and after mapping, per rule, and the unknowns.

    ``before`` counts rows whose raw value already was a class, spelled exactly, plus
    ``__other__`` (any other spelling) and ``__null__``. ``after`` counts the output classes and
    ``__null__``. The counts may be small (they count labels); ``report_k`` is the threshold
    below which the report shows a count as ``< k``.
    """

    taxonomy_version: int | str | None
    classes: list[str]
    before: dict[str, int]
    after: dict[str, int]
    normalized: int = Field(description="rows whose value normalization changed")
    rules: list[RuleCount]
    unknown: int = Field(description="non-null rows neither a class nor a map key names")
    unknown_distinct: int
    unknown_action: str
    report_k: int
    previous_taxonomy_version: int | str | None = None


class DedupeCounts(_Model):
    on: list[str] | Literal["all"]
    keep: str
    normalized: list[str]
    rows_in: int
    rows_out: int

    @property
    def removed(self) -> int:
        return self.rows_in - self.rows_out


class SplitCounts(_Model):
    """Rows and distinct entities per split; rows whose entity is null get no split."""

    by: str
    column: str
    seed_domain: str
    stratify: str | None
    fractions: dict[str, float]
    rows: dict[str, int]
    entities: dict[str, int]
    rows_without_entity: int


class PrepRecord(_Model):
    """What the prep steps did, in order: dedupe, labels, split."""

    rows_in: int
    rows_out: int
    dedupe: DedupeCounts | None = None
    labels: dict[str, LabelCounts] = Field(default_factory=dict)
    split: SplitCounts | None = None


class PrepInfo(_Model):
    """The ``prep`` step's summary line."""

    rows_in: int
    rows_out: int
    labels: int
    unknown_labels: int
