"""Order-independent digest of a table's content, the same whichever engine wrote it.

Each row is written as one canonical text, hashed with SHA-256, and the first 64 bits of the
hashes are summed modulo 2^64. Row order, partitioning and file layout do not change it; any
changed, added or removed row does. The single-machine engine and the Spark engine record it for
their output, and ``audit verify`` recomputes it from the files.

The text of a row (scheme ``sum64v2``, what runs record): a domain prefix, then each value's text
(binary as hex, nested values with each element length-prefixed), joined by ``US ,`` where US is
the unit separator U+001F; a null is ``US ~``, and a US inside a text value is doubled, so the
row text reads back into the same values one way only. Texts of numbers, dates and binary hold
no US and are not escaped. Records written before it hold scheme ``sum64``, every value
length-prefixed (``<bytes>:<text>``, ``~`` for null); ``audit verify`` recomputes the scheme a
record names.

The digest is a fingerprint of the *output*, which whoever holds the files can read anyway;
its hash is public (no key), so a reviewer can check it without the master key.

>>> content_digest(pl.DataFrame({"a": [1, 2]})) == content_digest(pl.DataFrame({"a": [2, 1]}))
True
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import polars_hash as plh  # noqa: F401  (registers the ``chash`` namespace)

MOD = 1 << 64
NULL = "~"  # a null element inside a nested value (both schemes), and a null value of scheme sum64
US = "\x1f"
SCHEME, DOMAINS = "sum64v2", {"sum64v2": "privprep-digest-v2", "sum64": "privprep-digest-v1\x1f"}


@dataclass(frozen=True)
class Partial:
    """Sums over some rows; partials of disjoint row sets add up to the table's."""

    rows: int = 0
    low: int = 0  # sum of the low 32 bits of each row hash
    high: int = 0  # sum of the high 32 bits
    scheme: str = SCHEME

    def __add__(self, other: Partial) -> Partial:
        if other.scheme != self.scheme:
            raise ValueError("partials of two digest schemes do not add up")
        return Partial(self.rows + other.rows, self.low + other.low, self.high + other.high, self.scheme)

    @property
    def text(self) -> str:
        """``<scheme>:<16 hex>`` — what the audit record holds."""
        return f"{self.scheme}:{((self.high << 32) + self.low) % MOD:016x}"


def _text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Canonical text of a value of ``dtype`` (null stays null)."""
    if isinstance(dtype, pl.List | pl.Array):
        inner = dtype.inner
        items = expr.list.eval(_field(pl.element(), inner)) if isinstance(dtype, pl.List) else (
            expr.arr.eval(_field(pl.element(), inner))
        )
        joined = items.list.join("") if isinstance(dtype, pl.List) else items.arr.join("")
        return pl.concat_str([pl.lit("["), joined, pl.lit("]")])
    if isinstance(dtype, pl.Struct):
        parts = [_field(expr.struct.field(f.name), f.dtype) for f in dtype.fields]
        return pl.when(expr.is_null()).then(None).otherwise(pl.concat_str([pl.lit("{"), *parts, pl.lit("}")]))
    if dtype == pl.Binary:
        return expr.bin.encode("hex")
    if isinstance(dtype, pl.Duration):
        return pl.concat_str([expr.cast(pl.Int64).cast(pl.String), pl.lit(dtype.time_unit)])
    return expr.cast(pl.String)


def _field(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """One value, unambiguous inside a concatenation: ``<length>:<text>``, or ``~`` for null."""
    return _framed(_text(expr, dtype))


def _framed(text: pl.Expr) -> pl.Expr:
    return pl.concat_str([text.str.len_bytes().cast(pl.String), pl.lit(":"), text]).fill_null(NULL)


def _escaped(text: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A value's text inside a ``sum64v2`` row: a US doubled in texts that may hold one; null ``US ~``."""
    free = dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum | pl.List | pl.Array | pl.Struct)
    return (text.str.replace_all(US, US + US, literal=True) if free else text).fill_null(US + NULL)


def row_hashes(frame: pl.LazyFrame, scheme: str = SCHEME) -> pl.LazyFrame:
    """Column ``h``: each row's hash, the first 64 bits of its SHA-256 (the digest's 16 first hex digits).

    Each value's text and each row's hash are computed once, as columns of a select: the streaming
    engine would compute a subexpression used twice (length and text, low and high half) twice.
    """
    schema = frame.collect_schema()
    texts = frame.select(_text(pl.col(n), d).alias(str(i)) for i, (n, d) in enumerate(schema.items()))
    if scheme == SCHEME:
        values = [_escaped(pl.col(str(i)), d) for i, d in enumerate(schema.values())]
        row = pl.concat_str([pl.lit(DOMAINS[scheme]), *values], separator=US + ",")
    else:
        row = pl.concat_str([pl.lit(DOMAINS[scheme]), *(_framed(pl.col(str(i))) for i in range(len(schema)))])
    return texts.select(h=row.chash.sha2_256().str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64))


def sums_query(frame: pl.LazyFrame, scheme: str = SCHEME) -> pl.LazyFrame:
    """A one-row query of ``frame``'s sums (``rows``, and of the row hashes' ``low`` and ``high`` 32 bits)."""
    h = pl.col("h")
    return row_hashes(frame, scheme).select(
        pl.len().alias("rows"), (h & 0xFFFF_FFFF).sum().alias("low"), (h // (1 << 32)).sum().alias("high")
    )


def from_sums(sums: pl.DataFrame, scheme: str = SCHEME) -> Partial:
    """The :class:`Partial` of :func:`sums_query`'s result."""
    rows, low, high = sums.row(0)
    return Partial(int(rows), int(low or 0), int(high or 0), scheme)


def partial(frame: pl.DataFrame | pl.LazyFrame, scheme: str = SCHEME) -> Partial:
    """The sums over ``frame``'s rows (streamed when lazy)."""
    return from_sums(sums_query(frame.lazy(), scheme).collect(engine="streaming"), scheme)


def content_digest(frame: pl.DataFrame | pl.LazyFrame, scheme: str = SCHEME) -> str:
    """The digest of ``frame``'s content (see the module docstring)."""
    return partial(frame, scheme).text


def path_digest(path: Path, scheme: str = SCHEME) -> str:
    """The digest of a Parquet file, or of every data file of a dataset folder (Spark's part files,
    a partitioned output's hive folders: each file holds its partition columns too)."""
    from privprep.io.fingerprint import data_files

    files = data_files(path) if path.is_dir() else [path]
    if not files:
        return Partial(scheme=scheme).text
    return content_digest(pl.scan_parquet(files), scheme)


def recorded_scheme(digest: str) -> str | None:
    """The scheme a recorded digest names, or ``None`` for one this version does not know."""
    scheme = digest.partition(":")[0]
    return scheme if scheme in DOMAINS else None
