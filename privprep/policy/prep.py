"""Row-level ML preparation declared in a policy: ``labels``, ``dedupe`` and ``split``.

```yaml
labels:
  churned:
    normalize: [strip, casefold, unicode]
    map: {churn: churned, "yes": churned, "no": active}
    classes: [active, churned, paused]
    unknown: fail                 # fail | null | other:<class>
    taxonomy_version: 3
dedupe: {on: [customer_id, order_date], keep: first, normalize: {comment: [strip, casefold]}}
split: {by: customer_id, seed_domain: split, train: 0.8, validation: 0.1, test: 0.1}
```
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from privprep.policy.base import Spec

NormalizeStep = Literal["strip", "casefold", "unicode", "collapse_spaces"]
SPLITS = ("train", "validation", "test")


def _unique(values: list[str], what: str) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} lists a value twice")
    return values


class LabelSpec(Spec):
    """One label column: normalized, remapped onto a fixed taxonomy of classes."""

    normalize: list[NormalizeStep] = Field(default_factory=list, description="applied before mapping")
    map: dict[str, str] = Field(default_factory=dict, description="normalized spelling → class")
    classes: list[str] = Field(min_length=1, description="the taxonomy: every class a label may take")
    unknown: str = Field("fail", description="fail | null | other:<class>: a value no class or map names")
    taxonomy_version: int | str | None = None

    @field_validator("normalize")
    @classmethod
    def _steps_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "normalize")

    @field_validator("classes")
    @classmethod
    def _classes_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "classes")

    @model_validator(mode="after")
    def _targets_are_classes(self) -> LabelSpec:
        allowed = ", ".join(self.classes)
        strays = sorted({t for t in self.map.values() if t not in self.classes})
        if strays:
            raise ValueError(
                f"map targets {', '.join(map(repr, strays))} are not classes; classes: {allowed}"
            )
        if self.unknown not in ("fail", "null") and not self.unknown.startswith("other:"):
            raise ValueError(f"unknown must be fail, null or other:<class>; got {self.unknown!r}")
        if self.other_class is not None and self.other_class not in self.classes:
            raise ValueError(f"unknown: other:{self.other_class} is not a class; classes: {allowed}")
        return self

    @property
    def other_class(self) -> str | None:
        """The class unknown values go to under ``unknown: other:<class>``."""
        return self.unknown.removeprefix("other:") if self.unknown.startswith("other:") else None


class DedupeSpec(Spec):
    """Drop repeated rows before any transform; ``normalize`` makes near-duplicates of a text column equal."""

    on: list[str] | Literal["all"] = Field("all", description="the columns that make two rows the same")
    keep: Literal["first", "last", "none"] = "first"
    normalize: dict[str, list[NormalizeStep]] = Field(
        default_factory=dict, description="text column → steps applied only for comparing rows"
    )

    @model_validator(mode="after")
    def _normalized_are_compared(self) -> DedupeSpec:
        if isinstance(self.on, list):
            if not self.on:
                raise ValueError("on needs at least one column, or all")
            _unique(self.on, "on")
            strays = [c for c in self.normalize if c not in self.on]
            if strays:
                raise ValueError(f"normalize names {', '.join(map(repr, strays))}, which on does not list")
        return self


class SplitSpec(Spec):
    """Assign each entity (a value of ``by``) to train / validation / test by a keyed hash."""

    by: str = Field(description="the entity column: all rows of one entity land in the same split")
    seed_domain: str = Field("split", min_length=1, description="key domain: same domain, same assignment")
    train: float = Field(0.8, ge=0, le=1)
    validation: float = Field(0.1, ge=0, le=1)
    test: float = Field(0.1, ge=0, le=1)
    column: str = Field("split", min_length=1, description="the output column holding the split name")
    stratify: str | None = Field(None, description="a labels column: exact fractions within each class")

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> SplitSpec:
        total = self.train + self.validation + self.test
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValueError(f"train + validation + test must be 1; they add up to {total:g}")
        return self

    @property
    def fractions(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SPLITS}
