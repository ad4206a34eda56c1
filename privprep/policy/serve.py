"""The ``serve`` section: what :func:`privprep.compile` may leave out when serving single records.

```yaml
serve:
  skip: [checks, detect]   # k-anonymity and unlisted-column detection need the whole table
```

A step that needs the whole table (risk checks, DP aggregates, detection of unlisted columns,
and table-level ML preparation) cannot run on one record; ``compile`` refuses such a policy
unless each of those steps is listed here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from privprep.policy.base import Spec

TableStep = Literal["checks", "aggregates", "detect", "dedupe", "split", "labels"]


class ServeSpec(Spec):
    """Table-level steps a serving transformer skips (the audit session record lists them)."""

    skip: list[TableStep] = Field(default_factory=list)
