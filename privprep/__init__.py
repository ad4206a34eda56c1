"""privprep: turn raw tables into training-ready Parquet that is safe to share, and prove it.

The public names are imported on first use (PEP 562), so ``import privprep`` and ``privprep --help``
stay fast: Polars, pandas, Presidio, spaCy and OpenDP load only when a command needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from privprep.lazy import lazy_names

if TYPE_CHECKING:
    from privprep.api import apply
    from privprep.engine import Result
    from privprep.errors import PolicyError, PrivprepError, Problem, ReasonCode
    from privprep.io.inputs import open_input
    from privprep.io.source import Source
    from privprep.policy import Policy, load_policy, parse_policy

_LAZY = {
    "Policy": "privprep.policy",
    "PolicyError": "privprep.errors",
    "PrivprepError": "privprep.errors",
    "Problem": "privprep.errors",
    "ReasonCode": "privprep.errors",
    "Result": "privprep.engine",
    "Source": "privprep.io.source",
    "apply": "privprep.api",
    "load_policy": "privprep.policy",
    "open_input": "privprep.io.inputs",
    "parse_policy": "privprep.policy",
}

__all__ = [
    "Policy",
    "PolicyError",
    "PrivprepError",
    "Problem",
    "ReasonCode",
    "Result",
    "Source",
    "__version__",
    "apply",
    "compile",
    "load_policy",
    "open_input",
    "parse_policy",
    "scan",
]


_names = lazy_names(__name__, _LAZY)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from privprep.version import package_version

        return package_version()
    return _names(name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def scan(data, sample: int = 1000, policy: Policy | None = None, input_spec=None, progress=None):  # type: ignore[no-untyped-def]
    """Classify the columns of ``data`` (any input ``apply`` takes) → ``ScanReport``.

    See :mod:`privprep.detect`.

    A ``policy`` adds its custom recognizers, allow list, detection settings and ``input:`` options;
    ``progress`` receives ``Progress("scan", columns_done, columns)`` events.
    """
    from privprep.detect import scan as _scan
    from privprep.io.inputs import open_input
    from privprep.progress import Progress

    source = open_input(data, input_spec or (policy.input if policy else None))
    columns = len(source.schema)
    on_column = (lambda n: progress(Progress("scan", n, columns, "columns"))) if progress else None
    return _scan(source.frame, policy=policy, sample=sample, on_column=on_column)


def compile(policy, *, key=None, schema=None, audit_log=None, flush_seconds=60.0):  # type: ignore[no-untyped-def]
    """Compile ``policy`` for single records → :class:`privprep.serve.Transformer` (:mod:`privprep.serve`)."""
    from privprep.serve import compile as _compile

    return _compile(policy, key=key, schema=schema, audit_log=audit_log, flush_seconds=flush_seconds)
