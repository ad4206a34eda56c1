"""Detection settings, entity/name rules for unlisted columns, custom recognizers."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from privprep.policy.base import Spec
from privprep.policy.columns import ColumnRule, expand_short_form


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]


def _no_apply_rules(value: object) -> object:
    if value == "apply_rules":
        raise ValueError(
            "apply_rules is not a setting: rules (match: {entity: ...}) apply under fail and warn alike;"
            " choose fail (stop on a PII column no rule covers) or warn (keep it and warn)"
        )
    return value


class DetectSpec(Spec):
    """How columns are sampled and classified."""

    sample: int = Field(1000, ge=10, le=1_000_000, description="distinct non-null values per column")
    threshold: float = Field(0.5, gt=0, le=1)
    on_undeclared_pii: Annotated[Literal["fail", "warn"], BeforeValidator(_no_apply_rules)] = "fail"
    language: Literal["en"] = Field("en", description="only English: the bundled spaCy model is English")
    ner: bool = True


class Match(Spec):
    """Which unlisted columns a rule applies to; every given condition must hold."""

    entity: str | None = None
    name: str | None = Field(None, description="glob on the column name, e.g. '*_token'")
    regex: Regex | None = Field(None, description="regular expression on the column name")

    @model_validator(mode="after")
    def _needs_one(self) -> Match:
        if self.entity is None and self.name is None and self.regex is None:
            raise ValueError("match needs at least one of: entity, name, regex")
        return self


class Rule(Spec):
    """Apply ``action`` to every unlisted column that ``match`` selects."""

    match: Match
    action: Annotated[ColumnRule, BeforeValidator(expand_short_form)]


class RecognizerSpec(Spec):
    """A custom entity: a regex with context words, or a deny list."""

    entity: str = Field(min_length=1, pattern=r"^[A-Z][A-Z0-9_]*$")
    pattern: Regex | None = None
    deny_list: list[str] | None = None
    context: list[str] = Field(default_factory=list)
    score: float = Field(0.6, gt=0, le=1)

    @model_validator(mode="after")
    def _pattern_or_deny_list(self) -> RecognizerSpec:
        if (self.pattern is None) == (self.deny_list is None):
            raise ValueError("a recognizer needs exactly one of: pattern, deny_list")
        return self
