"""privprep: turn raw tables into training-ready Parquet that is safe to share, and prove it."""

from privprep.api import apply
from privprep.engine import Result
from privprep.errors import PolicyError, PrivprepError, Problem, ReasonCode
from privprep.io.inputs import open_input
from privprep.io.source import Source
from privprep.policy import Policy, load_policy, parse_policy

__all__ = [
    "Policy",
    "PolicyError",
    "PrivprepError",
    "Problem",
    "ReasonCode",
    "Result",
    "Source",
    "apply",
    "load_policy",
    "open_input",
    "parse_policy",
    "scan",
]


def scan(data, sample: int = 1000, policy: Policy | None = None, input_spec=None, progress=None):  # type: ignore[no-untyped-def]
    """Classify the columns of ``data`` (any input ``apply`` takes) → ``ScanReport``.

    See :mod:`privprep.detect`.

    A ``policy`` adds its custom recognizers, allow list, detection settings and ``input:`` options;
    ``progress`` receives ``Progress("scan", columns_done, columns)`` events.
    """
    from privprep.detect import scan as _scan
    from privprep.progress import Progress

    source = open_input(data, input_spec or (policy.input if policy else None))
    columns = len(source.schema)
    on_column = (lambda n: progress(Progress("scan", n, columns, "columns"))) if progress else None
    return _scan(source.frame, policy=policy, sample=sample, on_column=on_column)
