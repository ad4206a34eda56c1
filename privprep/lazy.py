"""Public names of a package imported on first use (PEP 562), so importing the package stays cheap."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``where[name]`` (a module path) on first access of ``name``.

    >>> __getattr__ = lazy_names(__name__, {"DPRun": "privprep.dp.run"})
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where[name]), name)
        setattr(import_module(package), name, value)  # later look-ups skip this function
        return value

    return __getattr__
