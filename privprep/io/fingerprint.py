"""Fingerprints of the files a run reads or writes: one SHA-256 per file, one digest per file set.

A multi-file input (a folder, a glob, a hive-partitioned dataset) or a partitioned output is
fingerprinted as the sorted list of ``(path, size, sha256)`` of its files. Paths are relative to
the set's root, and hive segments (``region=north``) are shown as ``region=*``: a folder name of
a partitioned table is a data value. The set's ``sha256`` covers the true paths too, so renaming
a partition folder changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HIVE_SEGMENT = re.compile(r"^([^=/]+)=.*$")


@dataclass(frozen=True, order=True)
class FileFingerprint:
    """One file of an input or output set (``path`` relative to the set's root, hive values hidden)."""

    path: str
    size: int
    sha256: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def shown_path(relative: Path) -> str:
    """``region=north/part-0.parquet`` → ``region=*/part-0.parquet`` (no partition value is recorded)."""
    return "/".join(HIVE_SEGMENT.sub(r"\1=*", part) for part in relative.parts)


def fingerprint_files(root: Path, files: Iterable[Path]) -> tuple[tuple[FileFingerprint, ...], str]:
    """The sorted fingerprints of ``files`` (under ``root``) and the digest of the whole set."""
    entries = []
    for path in files:
        relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        entries.append((relative.as_posix(), path.stat().st_size, sha256_file(path)))
    entries.sort()
    digest = hashlib.sha256(json.dumps(entries, separators=(",", ":")).encode()).hexdigest()
    shown = tuple(sorted(FileFingerprint(shown_path(Path(p)), size, sha) for p, size, sha in entries))
    return shown, digest


def data_files(folder: Path, suffixes: tuple[str, ...] = (".parquet",)) -> list[Path]:
    """The data files of a dataset folder, recursively; hidden and ``_`` files (``_SUCCESS``) skipped."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in suffixes
        and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


def path_sha256(path: Path) -> str | None:
    """A file's SHA-256, or a dataset folder's set digest; ``None`` when neither exists."""
    if path.is_file():
        return sha256_file(path)
    if path.is_dir():
        return fingerprint_files(path, data_files(path))[1]
    return None
