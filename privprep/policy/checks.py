"""Re-identification risk checks evaluated on the transformed output.

```yaml
checks:
  k_anonymity: {quasi_identifiers: [zip, birth_date, gender], k: 5, on_fail: suppress, max_suppression: 0.02}
  l_diversity: {quasi_identifiers: [zip, birth_date, gender], sensitive: diagnosis, l: 2}
  null_increase: fail        # default warn: an action nulling > max_null_increase (0.01) of a column
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from privprep.policy.base import Spec
from privprep.policy.drift import DriftCheck


class RiskCheck(Spec):
    """What the k-anonymity and l-diversity checks share: the quasi-identifiers and what to do on failure.

    ``on_fail: suppress`` drops the rows of offending classes, at most ``max_suppression``
    (a share of the output rows) per check; above it the run fails.
    """

    quasi_identifiers: list[str] = Field(min_length=1)
    on_fail: Literal["suppress", "fail"] = "fail"
    max_suppression: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _consistent(self) -> RiskCheck:
        if len(set(self.quasi_identifiers)) != len(self.quasi_identifiers):
            raise ValueError("quasi_identifiers lists a column twice")
        if self.on_fail == "suppress" and self.max_suppression is None:
            raise ValueError(
                "on_fail: suppress needs max_suppression, the largest share of rows that may be dropped"
                " (e.g. 0.02)"
            )
        if self.on_fail == "fail" and self.max_suppression is not None:
            raise ValueError("max_suppression applies only with on_fail: suppress")
        return self


class KAnonymity(RiskCheck):
    """Every combination of quasi-identifier values is shared by at least ``k`` rows."""

    k: int = Field(ge=2)


class LDiversity(RiskCheck):
    """Every class of quasi-identifier values holds at least ``l`` distinct ``sensitive`` values."""

    sensitive: str
    l: int = Field(ge=2)  # noqa: E741

    @model_validator(mode="after")
    def _sensitive_apart(self) -> LDiversity:
        if self.sensitive in self.quasi_identifiers:
            raise ValueError(f"sensitive column {self.sensitive!r} is also listed as a quasi-identifier")
        return self


class ChecksSpec(Spec):
    """The ``checks`` section of a policy."""

    k_anonymity: KAnonymity | None = None
    l_diversity: LDiversity | None = None
    null_increase: Literal["warn", "fail"] = Field(
        "warn", description="when an action nulls more than max_null_increase of a column's values"
    )
    max_null_increase: float = Field(0.01, ge=0, lt=1)
    drift: DriftCheck | None = None

    @property
    def risk(self) -> bool:
        """Whether any re-identification check (k-anonymity, l-diversity) runs on the output."""
        return self.k_anonymity is not None or self.l_diversity is not None

    @property
    def quasi_identifiers(self) -> set[str]:
        """Every column some check treats as a quasi-identifier."""
        specs = (self.k_anonymity, self.l_diversity)
        return {qi for spec in specs if spec is not None for qi in spec.quasi_identifiers}
