"""``checks.drift``: compare this run's output profile with an earlier run's.

```yaml
checks:
  drift: {against: previous, psi: 0.2, schema: fail, on_fail: warn}
```
"""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import Field, field_validator

from privprep.policy.base import Spec


class DriftCheck(Spec):
    """Thresholds for drift against ``previous`` (the last successful run of this policy and dataset)
    or a named run id."""

    against: str = Field("previous", min_length=1, description="previous, or a run id (a unique prefix)")
    psi: float = Field(0.2, gt=0, description="population stability index above which a column drifted")
    null_rate: float | None = Field(None, gt=0, le=1, description="largest allowed change of a null rate")
    schema_: Literal["fail", "warn"] = Field("fail", alias="schema", description="on added/removed/retyped")
    on_fail: Literal["warn", "fail"] = Field("warn", description="what a PSI or null-rate breach does")
    k: int = Field(10, ge=2, description="a category is profiled only if it occurs at least k times")
    bins: dict[str, list[float]] = Field(default_factory=dict, description="numeric column → bin edges")

    @field_validator("bins")
    @classmethod
    def _increasing(cls, value: dict[str, list[float]]) -> dict[str, list[float]]:
        for name, edges in value.items():
            if not edges or any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValueError(f"bins.{name} must be a non-empty list of strictly increasing edges")
        return value
