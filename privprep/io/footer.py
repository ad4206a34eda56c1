"""The row count and top-level column names of a Parquet file, read from its footer alone.

A Parquet footer is a Thrift ``FileMetaData`` in the compact protocol; its field 2 is the
flattened schema (the root first, then each column depth-first with its number of children) and
field 3 the row count. This reads those two fields and skips the rest, so opening an input never
imports pyarrow (about a quarter of a second of start-up). Anything unexpected raises
``ValueError``, and the caller asks pyarrow instead.

>>> import polars as pl, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
>>> pl.DataFrame({"a": [1, 2], "b": [{"x": 1}, None]}).write_parquet(path)
>>> read_footer(path)
Footer(rows=2, names=['a', 'b'])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"PAR1"
BOOL_TRUE, BOOL_FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(1, 13)


@dataclass(frozen=True)
class Footer:
    rows: int
    names: list[str]


def read_footer(path: Path) -> Footer:
    """The footer's row count and top-level column names (duplicates kept, in file order)."""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        if size < 12:
            raise ValueError("too short for Parquet")
        fh.seek(size - 8)
        tail = fh.read(8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != MAGIC or length > size - 12:  # an encrypted footer ends in PARE
            raise ValueError("no plain Parquet footer")
        fh.seek(size - 8 - length)
        reader = _Compact(fh.read(length))
    schema: list[tuple[str | None, int]] | None = None
    rows: int | None = None
    for field, kind in reader.fields():
        if field == 2 and kind == LIST:
            size, element = reader.list_header()
            if element != STRUCT:
                raise ValueError("schema is not a list of structs")
            schema = [_element(reader) for _ in range(size)]
        elif field == 3 and kind == I64:
            rows = reader.zigzag()
        else:
            reader.skip(kind)
        if schema is not None and rows is not None:
            return Footer(rows, _top_level(schema))
    raise ValueError("footer without schema or row count")


def _element(reader: _Compact) -> tuple[str | None, int]:
    """A ``SchemaElement``: its name (field 4) and number of children (field 5; 0 for a leaf)."""
    name, children = None, 0
    for field, kind in reader.fields():
        if field == 4 and kind == BINARY:
            name = reader.binary().decode("utf-8")
        elif field == 5 and kind == I32:
            children = reader.zigzag()
        else:
            reader.skip(kind)
    return name, children


def _top_level(schema: list[tuple[str | None, int]]) -> list[str]:
    """The root's children in the depth-first list, each subtree skipped."""

    def after(i: int) -> int:  # the index just past the subtree at i
        end = i + 1
        for _ in range(schema[i][1]):
            end = after(end)
        return end

    names, i = [], 1
    for _ in range(schema[0][1]):
        name = schema[i][0]
        if name is None:
            raise ValueError("schema element without a name")
        names.append(name)
        i = after(i)
    if i != len(schema):
        raise ValueError("schema tree does not match its element count")
    return names


class _Compact:
    """Just enough of Thrift's compact protocol to walk and skip any value."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise ValueError("footer ends early")
        self.at += 1
        return self.data[self.at - 1]

    def varint(self) -> int:
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value
            shift += 7
            if shift > 70:
                raise ValueError("varint too long")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def binary(self) -> bytes:
        n = self.varint()
        if self.at + n > len(self.data):
            raise ValueError("footer ends early")
        self.at += n
        return self.data[self.at - n : self.at]

    def fields(self) -> Iterator[tuple[int, int]]:
        """``(field id, type)`` of each field of a struct, up to its stop byte (read each value in turn)."""
        last = 0
        while (header := self.byte()) != 0:
            delta, kind = header >> 4, header & 0x0F
            last = last + delta if delta else self.zigzag()
            yield last, kind

    def list_header(self) -> tuple[int, int]:
        """A list's (or set's) size and element type."""
        header = self.byte()
        size, kind = header >> 4, header & 0x0F
        return (self.varint() if size == 15 else size), kind

    def skip(self, kind: int, in_collection: bool = False) -> None:
        if kind in (BOOL_TRUE, BOOL_FALSE):
            if in_collection:  # a field's boolean lives in its type; a list's takes a byte
                self.byte()
        elif kind == BYTE:
            self.byte()
        elif kind in (I16, I32, I64):
            self.varint()
        elif kind == DOUBLE:
            self.at += 8
        elif kind == BINARY:
            self.binary()
        elif kind in (LIST, SET):
            size, element = self.list_header()
            for _ in range(size):
                self.skip(element, in_collection=True)
        elif kind == MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4, in_collection=True)
                    self.skip(types & 0x0F, in_collection=True)
        elif kind == STRUCT:
            for _, inner in self.fields():
                self.skip(inner)
        else:
            raise ValueError("unknown Thrift type")
