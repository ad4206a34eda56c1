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


def remove_temp(tmp: Path) -> None:
    """Delete ``tmp`` and its scratch twin if they exist (their folder may not)."""
    for path in (tmp, scratch_path(tmp)):
        if path.is_dir() and not path.is_symlink():  # a staged folder (the Spark engine's part files)
            shutil.rmtree(path, ignore_errors=True)
            continue
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is fsynced and renamed onto ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    try:
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, target)
        fsync_path(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def commit(tmp: Path, target: Path) -> None:
    """fsync ``tmp`` and rename it onto ``target`` (for writes staged across several steps).

    A staged folder replaces an earlier folder at ``target``: the old one is renamed aside first
    and deleted after, so ``target`` is always one complete output (absent only in between).
    """
    fsync_path(tmp)
    old = target.with_name(f"{tmp.name[:-4]}.old.tmp") if tmp.is_dir() and target.is_dir() else None
    if old is not None:
        os.replace(target, old)
    os.replace(tmp, target)
    fsync_path(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
