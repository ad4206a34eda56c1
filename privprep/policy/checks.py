"""Re-identification risk checks evaluated on the transformed output."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from privprep.policy.base import Spec


class KAnonymity(Spec):
    quasi_identifiers: list[str] = Field(min_length=1)
    k: int = Field(ge=2)
    on_fail: Literal["suppress", "fail"] = "fail"
    max_suppression: float = Field(0.0, ge=0, le=1)


class LDiversity(Spec):
    quasi_identifiers: list[str] = Field(min_length=1)
    sensitive: str
    l: int = Field(ge=2)  # noqa: E741
    on_fail: Literal["suppress", "fail"] = "fail"
    max_suppression: float = Field(0.0, ge=0, le=1)


class ChecksSpec(Spec):
    """The ``checks`` section of a policy."""

    k_anonymity: KAnonymity | None = None
    l_diversity: LDiversity | None = None
