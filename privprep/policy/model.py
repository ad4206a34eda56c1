"""The typed, frozen policy: the single validated form every later step reads."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from privprep.policy.aggregates import AggregatesSpec
from privprep.policy.base import Spec
from privprep.policy.checks import ChecksSpec
from privprep.policy.columns import ColumnRule, expand_short_form
from privprep.policy.detection import DetectSpec, RecognizerSpec, Rule
from privprep.policy.inputs import InputSpec, OutputSpec
from privprep.policy.prep import DedupeSpec, LabelSpec, SplitSpec
from privprep.policy.serve import ServeSpec


class KeySource(Spec):
    """Where the master key comes from: an environment variable or a file. Never inline."""

    env: str | None = None
    file: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> KeySource:
        if (self.env is None) == (self.file is None):
            raise ValueError("key needs exactly one of: env, file")
        return self


class Policy(Spec):
    """A validated privprep policy. Build it with :func:`privprep.load_policy`."""

    version: Literal[1]
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    key: KeySource = KeySource(env="PRIVPREP_KEY")
    columns: dict[str, Annotated[ColumnRule, BeforeValidator(expand_short_form)]] = Field(
        default_factory=dict
    )
    unlisted: Literal["keep", "drop", "fail"] = "keep"
    input: InputSpec = InputSpec()
    output: OutputSpec = OutputSpec()
    detect: DetectSpec | None = None
    rules: list[Rule] = Field(default_factory=list)
    recognizers: list[RecognizerSpec] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list)
    aggregates: AggregatesSpec | None = None
    checks: ChecksSpec | None = None
    labels: dict[str, LabelSpec] = Field(default_factory=dict)
    dedupe: DedupeSpec | None = None
    split: SplitSpec | None = None
    serve: ServeSpec | None = None
    source_text: str | None = Field(None, exclude=True, repr=False)

    @property
    def sha256(self) -> str:
        """Hash of the policy file's bytes (or of its canonical JSON when built in code)."""
        text = self.source_text or self.model_dump_json(exclude={"source_text"})
        return hashlib.sha256(text.encode()).hexdigest()
