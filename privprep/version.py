"""privprep's own version, read from the installed package metadata."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def package_version() -> str:
    """The installed privprep version, or ``0+unknown`` in a source tree that was never installed."""
    try:
        return version("privprep")
    except PackageNotFoundError:
        return "0+unknown"
