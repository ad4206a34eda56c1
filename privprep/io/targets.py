"""Where a run writes: refuse any output that is one of the run's own inputs or another output."""

from __future__ import annotations

import os
from pathlib import Path

from privprep.errors import ReasonCode, fail


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (after ``..``, symlinks and hard links)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return False


def refuse_collisions(outputs: dict[str, Path], protected: dict[str, Path]) -> None:
    """Raise OUTPUT_FAILED naming the two roles when an output would overwrite a protected file.

    ``outputs`` maps a role (``"output"``, ``"DP release 'by_region'"``) to its path, ``protected``
    a description (``"the input file"``) to a path; outputs must also differ from each other.
    Messages name roles and the output's path, never any file's content.
    """
    seen: dict[str, Path] = dict(protected)
    for role, path in outputs.items():
        if path.is_dir():
            raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} is a directory; name a file")
        for other, taken in seen.items():
            if same_file(path, taken):
                raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} is {other}; choose another path")
        seen[f"also the {role}" if role[0].islower() else f"also {role}"] = path
