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
    from privprep.io.parquet import Source, open_source
    from privprep.policy import Policy, load_policy, parse_policy

_LAZY = {
    "Policy": "privprep.policy",
    "PolicyError": "privprep.errors",
    "PrivprepError": "privprep.errors",
    "Problem": "privprep.errors",
    "ReasonCode": "privprep.errors",
    "Result": "privprep.engine",
    "Source": "privprep.io.parquet",
    "apply": "privprep.api",
    "load_policy": "privprep.policy",
    "open_source": "privprep.io.parquet",
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
    "load_policy",
    "open_source",
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


def scan(data, sample: int = 1000, policy: Policy | None = None):  # type: ignore[no-untyped-def]
    """Classify the columns of ``data`` (path or frame) → ``ScanReport``; see :mod:`privprep.detect`.

    A ``policy`` adds its custom recognizers, allow list and detection settings.
    """
    from privprep.detect import scan as _scan
    from privprep.io.parquet import open_source

    return _scan(open_source(data).frame, policy=policy, sample=sample)
