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


def refuse_collisions(
    outputs: dict[str, Path], protected: dict[str, Path], folders: frozenset[str] = frozenset()
) -> None:
    """Raise OUTPUT_FAILED naming the two roles when an output would overwrite a protected file.

    ``outputs`` maps a role (``"output"``, ``"DP release 'by_region'"``) to its path, ``protected``
    a description (``"the input file"``) to a path; outputs must also differ from each other.
    The roles in ``folders`` are dataset folders: they may replace an earlier privprep dataset
    folder, and no protected file may lie inside them.
    Messages name roles and the output's path, never any file's content.
    """
    seen: dict[str, Path] = dict(protected)
    for role, path in outputs.items():
        if role in folders:
            _dataset_folder(role, path, protected)
        elif path.is_dir():
            raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} is a directory; name a file")
        for other, taken in seen.items():
            if same_file(path, taken):
                raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} is {other}; choose another path")
        seen[f"also the {role}" if role[0].islower() else f"also {role}"] = path


def _dataset_folder(role: str, path: Path, protected: dict[str, Path]) -> None:
    """A partitioned output replaces its folder whole: refuse one holding anything privprep did not write."""
    from privprep.io.parquet import read_privprep_metadata

    if path.exists() and not path.is_dir():
        raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} is a file; a partitioned output needs a folder")
    for other, taken in protected.items():
        if taken.absolute().is_relative_to(path.absolute()) or same_file(taken, path):
            raise fail(ReasonCode.OUTPUT_FAILED, f"{role} {path} holds {other}; choose another folder")
    if not path.is_dir():
        return
    for inner in path.rglob("*"):
        if inner.is_dir():
            continue
        try:
            ours = inner.suffix == ".parquet" and "run_id" in read_privprep_metadata(inner)
        except Exception:  # not Parquet: not ours
            ours = False
        if not ours:
            raise fail(
                ReasonCode.OUTPUT_FAILED,
                f"{role} {path} holds files privprep did not write; choose an empty or new folder",
            )
