"""``open_input``: the one place privprep opens an input (files, folders, globs, frames, queries).

Every file format is scanned lazily (``scan_*``) where Polars can stream it; JSON arrays and CSV
in an encoding other than UTF-8 are read whole. Messages name the input and the format, never a
value (a library's exception is reported by its type only).
"""

from __future__ import annotations

import glob as globbing
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl

from privprep.errors import PrivprepError, ReasonCode, fail
from privprep.io.fingerprint import data_files, fingerprint_files, sha256_file
from privprep.io.footer import Footer, read_footer
from privprep.io.memory import open_frame
from privprep.io.query import open_query
from privprep.io.source import Data, Source
from privprep.policy.inputs import DECIMAL, FORMATS, InputSpec

SUFFIXES = {
    ".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json", ".arrow": "ipc", ".ipc": "ipc",
    ".feather": "ipc",
}  # fmt: skip
TEXT_FORMATS = ("csv", "tsv", "ndjson", "json")
Scanner = Callable[[Path, list[Path], InputSpec], pl.LazyFrame]


def open_input(data: Data | None, spec: InputSpec | None = None) -> Source:
    """Open ``data`` (a path, glob, folder or in-memory table) or, with ``data=None``, the policy's query.

    >>> open_input("customers.csv", InputSpec(csv={"separator": ";"})).schema
    """
    spec = spec or InputSpec()
    if data is not None and spec.duckdb is not None:
        raise fail(ReasonCode.INPUT_INVALID, "the policy's input names a DuckDB query: pass no other input")
    if data is None:
        if spec.duckdb is None or spec.query is None:
            raise fail(ReasonCode.INPUT_NOT_FOUND, "no input: pass one, or set input.duckdb and input.query")
        return open_query(Path(spec.duckdb), spec.query)
    if isinstance(data, str | Path):
        return open_path(Path(data), spec)
    return open_frame(data)


def open_path(path: Path, spec: InputSpec) -> Source:
    """A file, a folder (Parquet dataset, hive layout or Delta table) or a glob of files."""
    root, files = _files(path, spec)
    fmt = _format(path, files, spec)
    try:
        frame = _SCANNERS[fmt](path, files, spec)
        schema = frame.collect_schema()
    except PrivprepError:
        raise
    except Exception as exc:
        raise fail(
            ReasonCode.INPUT_INVALID, f"input {path} is not readable {fmt} ({type(exc).__name__})"
        ) from None
    if not schema:
        raise fail(ReasonCode.INPUT_INVALID, f"input {path} has no columns")
    if missing := sorted(set(spec.dtypes) - set(schema)):
        raise fail(ReasonCode.INPUT_INVALID, f"input.dtypes names columns input {path} lacks: {missing}")
    if spec.dtypes and fmt not in TEXT_FORMATS:  # typed formats: cast (text formats parse to the dtype)
        frame = frame.with_columns(pl.col(c).cast(polars_dtype(d)) for c, d in spec.dtypes.items())
        schema = frame.collect_schema()
    rows = _parquet_rows(path, files) if fmt == "parquet" else None
    cast = tuple(spec.dtypes) if fmt not in TEXT_FORMATS else ()
    if len(files) == 1 and files[0] == path:
        return Source(frame, schema, path, rows, sha256_file(path), fmt, paths=(path,), dtype_overrides=cast)
    shown, digest = fingerprint_files(root, files)
    return Source(
        frame, schema, path, rows, digest, fmt, files=shown, paths=tuple(files), dtype_overrides=cast
    )


def unreadable(source: Source, exc: Exception) -> Exception:
    """What to raise when reading ``source`` failed mid-way: a user error when the input's data is at fault.

    Text formats infer dtypes from their first rows; a later value that does not fit is the
    user's to fix (the reader's message quotes that value, so it is not repeated).
    """
    if source.path is None:
        return exc
    if source.format in TEXT_FORMATS:
        return fail(
            ReasonCode.INPUT_INVALID,
            f"input {source.path} has a value that does not fit its column's dtype, inferred from the"
            " first rows; raise input.csv.infer_schema_length (--csv-infer-schema-length) or set"
            " input.dtypes for the column",
        )
    if str(exc).startswith("parquet"):
        return fail(ReasonCode.INPUT_INVALID, f"input {source.path} has unreadable data pages")
    if isinstance(exc, pl.exceptions.InvalidOperationError) and source.dtype_overrides:
        return fail(
            ReasonCode.INPUT_INVALID,
            f"input {source.path} has a value that does not convert to a dtype input.dtypes names"
            f" ({', '.join(source.dtype_overrides)}); fix the dtype or the data",
        )
    return exc


def _files(path: Path, spec: InputSpec) -> tuple[Path, list[Path]]:
    """``(root, files)``: the files of ``path`` and the folder their recorded paths are relative to."""
    if path.is_file():
        return path.parent, [path]
    if path.is_dir():
        if (path / "_delta_log").is_dir():
            return path, sorted(p for p in path.rglob("*") if p.is_file())
        suffixes = tuple(s for s, f in SUFFIXES.items() if f == (spec.format or "parquet"))
        files = data_files(path, suffixes)
        if not files:
            raise fail(ReasonCode.INPUT_NOT_FOUND, f"input folder {path} holds no {'/'.join(suffixes)} files")
        return path, files
    if globbing.has_magic(str(path)):
        files = sorted(Path(p) for p in globbing.glob(str(path), recursive=True) if Path(p).is_file())
        if not files:
            raise fail(ReasonCode.INPUT_NOT_FOUND, f"input pattern {path} matches no file")
        return _glob_root(path), files
    raise fail(ReasonCode.INPUT_NOT_FOUND, f"input file {path} does not exist")


def _glob_root(pattern: Path) -> Path:
    """The folder before the first wildcard: ``data/2024-*/part.csv`` → ``data``."""
    fixed = []
    for part in pattern.parts:
        if globbing.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path()


def _format(path: Path, files: list[Path], spec: InputSpec) -> str:
    if spec.format is not None:
        return spec.format
    if path.is_dir():
        return "delta" if (path / "_delta_log").is_dir() else "parquet"
    found = {SUFFIXES.get(f.suffix.lower()) for f in files}
    if len(found) == 1 and None not in found:
        return found.pop()  # type: ignore[return-value]
    suffixes = sorted({f.suffix or "(none)" for f in files})
    raise fail(
        ReasonCode.INPUT_INVALID,
        f"cannot tell the format of input {path} from its extension {', '.join(suffixes)}; known:"
        f" {', '.join(SUFFIXES)}; set input.format in the policy (one of {', '.join(FORMATS)}) or --format",
    )


def _parquet_rows(path: Path, files: list[Path]) -> int:
    """Rows from the footers; a file that is not Parquet, or has two same-named columns, is refused."""
    rows = 0
    for file in files:
        try:
            footer = read_footer(file)  # pyarrow only for what this small reader does not take
        except (OSError, ValueError):
            footer = _pyarrow_footer(path, file)
        _unique_names(path, footer.names)
        rows += footer.rows
    return rows


def _pyarrow_footer(path: Path, file: Path) -> Footer:
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(file)
    except Exception as exc:
        message = f"input {file if file == path else path} is not readable Parquet ({type(exc).__name__})"
        raise fail(ReasonCode.INPUT_INVALID, message) from None
    return Footer(meta.num_rows, meta.schema.to_arrow_schema().names)


def _unique_names(path: Path, names: list[str]) -> None:
    """Polars keeps one of two same-named columns and silently drops the other: refuse such a file."""
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in first:
            raise fail(
                ReasonCode.INPUT_INVALID,
                f"input {path} has two columns named {name!r} (positions {first[name]} and {position});"
                " rename one",
            )
        first[name] = position


def polars_dtype(name: str) -> pl.DataType:
    """``"Int64"`` → ``pl.Int64``; ``"Decimal(10,2)"`` → ``pl.Decimal(10, 2)`` (the policy checks names)."""
    if re.fullmatch(DECIMAL, name):
        precision, scale = (int(n) for n in name[8:-1].split(","))
        return pl.Decimal(precision, scale)
    return getattr(pl, name)()


def _overrides(spec: InputSpec) -> dict[str, pl.DataType] | None:
    return {name: polars_dtype(d) for name, d in spec.dtypes.items()} or None


def _scan_parquet(path: Path, files: list[Path], spec: InputSpec) -> pl.LazyFrame:
    """A folder is read as a dataset (``key=value`` folders become columns); a glob as its files."""
    if path.is_dir():
        return pl.scan_parquet(files, hive_partitioning=True)
    return pl.scan_parquet(files)


def _scan_csv(path: Path, files: list[Path], spec: InputSpec, tab: bool = False) -> pl.LazyFrame:
    csv = spec.csv
    options = {
        "separator": csv.separator or ("\t" if tab else ","),
        "has_header": csv.has_header,
        "null_values": csv.null_values or None,
        "infer_schema_length": csv.infer_schema_length,
        "schema_overrides": _overrides(spec),
    }
    if csv.encoding in ("utf8", "utf8-lossy"):
        return pl.scan_csv(files, encoding=csv.encoding, **options)  # type: ignore[arg-type]
    # Polars streams UTF-8 only: another encoding is decoded whole, file by file.
    return pl.concat([pl.read_csv(f, encoding=csv.encoding, **options) for f in files]).lazy()  # type: ignore[arg-type]


def _scan_ndjson(path: Path, files: list[Path], spec: InputSpec) -> pl.LazyFrame:
    return pl.scan_ndjson(
        files, schema_overrides=_overrides(spec), infer_schema_length=spec.csv.infer_schema_length
    )


def _read_json(path: Path, files: list[Path], spec: InputSpec) -> pl.LazyFrame:
    """A JSON array of records (read whole: JSON arrays do not stream)."""
    frames = [
        pl.read_json(f, schema_overrides=_overrides(spec), infer_schema_length=spec.csv.infer_schema_length)
        for f in files
    ]
    return pl.concat(frames).lazy()


def _scan_delta(path: Path) -> pl.LazyFrame:
    try:
        import deltalake  # noqa: F401  (the optional extra pl.scan_delta needs)
    except ImportError:
        message = "a Delta table input needs: pip install 'privprep[delta]'"
        raise fail(ReasonCode.INPUT_INVALID, message) from None
    return pl.scan_delta(str(path))


_SCANNERS: dict[str, Scanner] = {
    "parquet": _scan_parquet,
    "csv": _scan_csv,
    "tsv": lambda path, files, spec: _scan_csv(path, files, spec, tab=True),
    "ndjson": _scan_ndjson,
    "json": _read_json,
    "ipc": lambda path, files, spec: pl.scan_ipc(files),
    "delta": lambda path, files, spec: _scan_delta(path),
}
