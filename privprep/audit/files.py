"""Check the files of an audit log: each output and DP release file a record names, and every privprep
file beside them whose metadata names this log (an output whose run never finished, or that names a
log head this log does not hold, proves the log is not the whole story)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from privprep.audit.chain import GENESIS
from privprep.audit.store import AuditLog, kind
from privprep.io.fingerprint import path_sha256
from privprep.io.parquet import read_privprep_metadata

if TYPE_CHECKING:
    from privprep.audit.verify import Verification


@dataclass(frozen=True)
class Named:
    """A file a success record names: which record, what kind of file, its recorded SHA-256."""

    number: int
    what: str  # "output" | "DP release"
    sha256: str | None
    digest: str | None = None  # content digest (privprep.digest), checked after the files


@dataclass
class Runs:
    """What the log says about each run id and the files it names."""

    status: dict[str, str] = field(default_factory=dict)  # run id -> started | success | failed
    shas: dict[str, set[str]] = field(default_factory=dict)  # run id -> recorded file hashes
    latest: dict[Path, Named] = field(default_factory=dict)  # path -> last success record naming it
    intended: dict[Path, Path | None] = field(default_factory=dict)  # intents: path -> its temp file


def check_files(log: AuditLog, records: list[dict[str, Any]], result: Verification) -> None:
    hashes = {r["hash"] for r in records if isinstance(r.get("hash"), str)}
    runs = _collect(records, result)
    for path, named in runs.latest.items():
        if _check_named(path, named, runs.intended.get(path), result):
            _check_head(path, hashes, result)
    named = set(runs.latest) | set(runs.intended)
    folders = {p.parent for p in named} | {log.path.absolute().parent}
    beside = {p for folder in folders for p in _parquet_files(folder)}
    for path in sorted((beside | set(runs.intended)) - set(runs.latest)):
        meta = _metadata(path)
        run = meta.get("run_id")
        if run is None or not (path in runs.intended or _names_log(meta.get("audit_log"), log.path)):
            continue
        _check_stray(path, run, runs, result)
        _check_head(path, hashes, result)


def _collect(records: list[dict[str, Any]], result: Verification) -> Runs:
    runs = Runs()
    for number, record in enumerate(records, start=1):
        run, what = str(record.get("run_id")), kind(record)
        if what == "started":
            runs.status.setdefault(run, "started")
            intent = _dict(record.get("intent"))
            for item in map(_dict, _list(intent.get("outputs")) + _list(intent.get("releases"))):
                if item.get("path"):  # releases name no temp file: their output entry did
                    path = Path(str(item["path"])).absolute()
                    tmp = Path(str(item["tmp"])).absolute() if item.get("tmp") else runs.intended.get(path)
                    runs.intended[path] = tmp
            continue
        outcome = _dict(record.get("result"))
        if what != "finished":
            continue
        runs.status[run] = "success" if outcome.get("status") == "success" else "failed"
        if runs.status[run] != "success":
            continue
        files = [("output", _dict(outcome.get("output")))]
        files += [("DP release", _dict(r)) for r in _list(outcome.get("releases"))]
        for label, info in files:
            if not info.get("path"):
                continue
            path, sha = Path(str(info["path"])).absolute(), info.get("sha256")
            if path in runs.latest:
                old = runs.latest[path]
                result.notes.append(f"record {old.number}: {old.what} {path} was overwritten by a later run")
            digest = info.get("digest") if isinstance(info.get("digest"), str) else None
            runs.latest[path] = Named(number, label, sha if isinstance(sha, str) else None, digest)
            runs.shas.setdefault(run, set()).add(str(sha))
    return runs


def _check_named(path: Path, named: Named, tmp: Path | None, result: Verification) -> bool:
    """The file against its record (``tmp``: its run's temp file for it); ``True`` when it matches."""
    at = f"record {named.number}: {named.what} {path}"
    if named.digest is not None and path.is_dir():  # a folder: its part files, then their content
        if named.sha256 is not None and file_sha256(path) != named.sha256:
            result.problems.append(f"{at} was modified after the run")
            return False
        return _check_digest(at, path, named, result)
    found = file_sha256(path)
    if found is None and tmp is not None and file_sha256(tmp) == named.sha256:
        result.notes.append(
            f"{at} is still in {tmp}: its run finished, then died before renaming it"
            " (the next run against this log renames it)"
        )
        return False
    if found is None:
        result.notes.append(f"{at} no longer exists (not checked)")
        return False
    if named.sha256 is None:
        result.notes.append(f"{at} has no recorded sha256 (not checked)")
        return False
    if found != named.sha256:
        result.problems.append(f"{at} was modified after the run")
        return False
    return _check_digest(at, path, named, result)


def _check_digest(at: str, path: Path, named: Named, result: Verification) -> bool:
    """The content digest recomputed from the file (or folder of part files) against its record."""
    if named.digest is not None:
        from privprep.digest import path_digest, recorded_scheme

        if (scheme := recorded_scheme(named.digest)) is None:
            result.problems.append(f"{at}: its record names a digest scheme this version does not know")
            return False
        try:
            found = path_digest(path, scheme)
        except Exception:  # unreadable Parquet: its content cannot match
            found = None
        if found != named.digest:
            result.problems.append(f"{at}: its content digest does not match the record (modified)")
            return False
    if named.what == "output":
        result.outputs_checked += 1
    else:
        result.releases_checked += 1
    return True


def _check_stray(path: Path, run: str, runs: Runs, result: Verification) -> None:
    """A privprep file of this log that no success record names at this path."""
    status = runs.status.get(run)
    if status == "success":
        if file_sha256(path) in runs.shas.get(run, set()):
            result.outputs_checked += 1  # a copy of a recorded file
        else:
            result.problems.append(f"{path} carries run {run}'s metadata but matches none of its files")
    elif status == "started":
        result.problems.append(f"output {path} is not audited: its run {run} never completed")
    elif status == "failed":
        result.problems.append(f"output {path} is not audited: its run {run} failed")
    else:
        result.problems.append(
            f"output {path} names run {run}, which has no record in this log (records were deleted)"
        )


def _check_head(path: Path, hashes: set[str], result: Verification) -> None:
    head = _metadata(path).get("audit_head")
    if head and head != GENESIS and head not in hashes:
        result.problems.append(
            f"{path} was written when the log's head was {head[:16]}, which this log does not contain"
            " (records were deleted, or the log was truncated or replaced)"
        )


def file_sha256(path: Path) -> str | None:
    """The file's (or dataset folder's) SHA-256, ``None`` if unreadable (whatever path a record names)."""
    try:
        return path_sha256(path)
    except (OSError, ValueError):
        return None


def _parquet_files(folder: Path) -> list[Path]:
    try:
        return list(folder.glob("*.parquet")) if folder.is_dir() else []
    except (OSError, ValueError):
        return []


def _metadata(path: Path) -> dict[str, str]:
    try:
        return read_privprep_metadata(path)
    except Exception:  # not Parquet, unreadable: nothing it says can be checked
        return {}


def _names_log(named: str | None, log: Path) -> bool:
    if not named:
        return False
    path = Path(named)
    return path.resolve() == log.resolve() if path.is_absolute() else path.name == log.name


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
