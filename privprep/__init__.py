"""privprep: turn raw tables into training-ready Parquet that is safe to share, and prove it."""

from privprep.api import apply
from privprep.engine import Result
from privprep.errors import PolicyError, PrivprepError, Problem, ReasonCode
from privprep.io.parquet import Source, open_source
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
    "compile",
    "load_policy",
    "open_source",
    "parse_policy",
    "scan",
]


def scan(data, sample: int = 1000, policy: Policy | None = None):  # type: ignore[no-untyped-def]
    """Classify the columns of ``data`` (path or frame) → ``ScanReport``; see :mod:`privprep.detect`.

    A ``policy`` adds its custom recognizers, allow list and detection settings.
    """
    from privprep.detect import scan as _scan

    return _scan(open_source(data).frame, policy=policy, sample=sample)


def compile(policy, *, key=None, schema=None, audit_log=None, flush_seconds=60.0):  # type: ignore[no-untyped-def]
    """Compile ``policy`` for single records → :class:`privprep.serve.Transformer` (:mod:`privprep.serve`)."""
    from privprep.serve import compile as _compile

    return _compile(policy, key=key, schema=schema, audit_log=audit_log, flush_seconds=flush_seconds)
