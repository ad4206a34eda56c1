"""What a scan says: one finding per column, never a sampled value.

``evidence`` holds signal names, shares, counts and contributions only; the
``privprep scan --json`` shape is :meth:`ScanReport.to_json_dict`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FREE_TEXT = "FREE_TEXT"
"""Entity of a free-text column in which detection found personal data (see ``evidence.contains``)."""

FEATURES = frozenset({"gazetteer", "phonenumbers", "checksums", "cues", "shapes"})
"""privprep's additions to Presidio, each measured on/off by ``bench/eval_detect.py``."""

QUASI_IDENTIFIERS = frozenset({"DATE_OF_BIRTH", "ZIP_CODE", "GENDER", "AGE", "DATE_TIME"})
"""Entities that identify only in combination: flagged for the risk gate, not as PII."""


class ColumnFinding(BaseModel):
    """The entity one column holds (or ``None``), its score and the signals behind it."""

    model_config = ConfigDict(frozen=True)

    name: str
    entity: str | None
    score: float = Field(ge=0, le=1)
    free_text: bool = False
    evidence: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_pii(self) -> bool:
        """Direct personal data (names, contacts, identifiers, PII inside free text)."""
        return self.entity is not None and self.entity not in QUASI_IDENTIFIERS

    @property
    def is_quasi_identifier(self) -> bool:
        """Identifies in combination with other columns (birth date, zip, gender, age, dates)."""
        return self.entity in QUASI_IDENTIFIERS


class ScanReport(BaseModel):
    """Findings for every scanned column, how many rows were sampled and whether NER ran."""

    model_config = ConfigDict(frozen=True)

    columns: list[ColumnFinding]
    rows_sampled: int = Field(ge=0)
    ner: bool
    settings: dict[str, Any] = Field(default_factory=dict)

    def finding(self, name: str) -> ColumnFinding:
        """The finding for column ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_json_dict(self) -> dict[str, Any]:
        """The ``privprep scan --json`` document: columns, rows_sampled and ner."""
        return self.model_dump(mode="json", include={"columns", "rows_sampled", "ner"})
