"""Atomic file creation: write beside the target, fsync, rename; never a partial file."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path


def temp_path(target: Path, owner: str | None = None) -> Path:
    """A hidden temporary name in the target's directory (same filesystem, so rename is atomic).

    ``owner`` (a run id) names the temp file, so a later run can find what a dead one left.
    """
    return target.with_name(f".{target.name}.{owner or uuid.uuid4().hex[:12]}.tmp")


def scratch_path(tmp: Path) -> Path:
    """A second temp name beside ``tmp`` (for rewriting it), with the same owner."""
    return tmp.with_name(f"{tmp.name[:-4]}.scratch.tmp")


def aside_path(tmp: Path) -> Path:
    """Where a dataset folder's previous version waits while ``tmp`` replaces it (same owner)."""
    return tmp.with_name(f"{tmp.name[:-4]}.old.tmp")


def temp_twins(tmp: Path) -> tuple[Path, Path, Path]:
    """Every temp name a staged output may use: itself, its scratch and its replaced predecessor."""
    return tmp, scratch_path(tmp), aside_path(tmp)


def remove_temp(tmp: Path) -> None:
    """Delete ``tmp`` and its twins (files or dataset folders) if they exist (their folder may not)."""
    for path in temp_twins(tmp):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
            path.unlink()


def fsync_path(path: Path) -> None:
    """fsync a file, or a folder with every file and folder inside it."""
    if path.is_dir():
        for inner in sorted(path.rglob("*"), reverse=True):  # contents before the folders holding them
            _fsync(inner)
    _fsync(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(tmp: Path, target: Path, aside: Path | None = None) -> None:
    """Rename ``tmp`` onto ``target``; a dataset folder first moves its predecessor ``aside``.

    A folder cannot be renamed onto a non-empty one: the old folder goes to ``aside`` (default
    :func:`aside_path` of ``tmp``), the new one takes its name, the old one is deleted. A crash in
    between leaves only temp names, which recovery settles from the audit log.
    """
    aside = aside or aside_path(tmp)
    if tmp.is_dir() and target.is_dir():
        os.replace(target, aside)
    os.replace(tmp, target)
    if aside.exists():
        shutil.rmtree(aside)


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is fsynced and renamed onto ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    try:
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def commit(tmp: Path, target: Path) -> None:
    """fsync ``tmp`` and rename it onto ``target`` (for writes staged across several steps).

    A staged folder replaces an earlier folder at ``target``: the old one is renamed aside first
    and deleted after, so ``target`` is always one complete output (absent only in between).
    """
    fsync_path(tmp)
    replace(tmp, target)
    _fsync(target.parent)  # the folder's entry only: other runs' temp files there are theirs
