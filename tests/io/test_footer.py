"""The footer reader agrees with pyarrow on row counts and top-level names; refuses what it cannot read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.errors import PrivprepError, ReasonCode
from privprep.io.footer import read_footer
from privprep.io.inputs import open_input


def _pyarrow(path: Path) -> tuple[int, list[str]]:
    meta = pq.read_metadata(path)
    return meta.num_rows, meta.schema.to_arrow_schema().names


TABLES = {
    "flat": lambda p: pl.DataFrame({"a": [1, None], "b": ["x", "y"]}).write_parquet(p),
    "empty": lambda p: pl.DataFrame(schema={"a": pl.Int64, "b": pl.String}).write_parquet(p),
    "nested": lambda p: pl.DataFrame(
        {"s": [{"x": 1, "y": [1, 2]}], "l": [[{"a": 1}]], "d": [dt.date(2020, 1, 1)], "m": [1.5]}
    ).write_parquet(p),
    "map and bool": lambda p: pq.write_table(
        pa.table({"m": pa.array([{"k": 1}], pa.map_(pa.string(), pa.int64())), "b": [True], "é": [1.5]}), p
    ),
    "duplicate names": lambda p: pq.write_table(
        pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), p
    ),
    "row groups": lambda p: pl.DataFrame({"a": list(range(1000))}).write_parquet(p, row_group_size=10),
    "pyarrow v1": lambda p: pq.write_table(
        pa.table({"a": [1, 2, 3]}), p, version="1.0", use_dictionary=False
    ),
}


@pytest.mark.parametrize("kind", TABLES)
def test_footer_matches_pyarrow(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "t.parquet"
    TABLES[kind](path)
    footer = read_footer(path)
    assert (footer.rows, footer.names) == _pyarrow(path)


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=40), rows=st.integers(0, 300))
def test_any_names_and_row_count(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], rows: int
) -> None:
    path = tmp_path_factory.mktemp("footer") / "t.parquet"
    pq.write_table(pa.table([pa.array(range(rows)) for _ in names], names=names), path)
    footer = read_footer(path)
    assert (footer.rows, footer.names) == _pyarrow(path)


@pytest.mark.parametrize(
    "content", [b"", b"PAR1", b"not parquet at all PAR1", b"PAR1" + b"\xff" * 40 + b"\x10\0\0\0PAR1"]
)
def test_not_a_footer_raises_value_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        read_footer(path)


def test_open_input_still_refuses_duplicate_names(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    TABLES["duplicate names"](path)
    with pytest.raises(PrivprepError, match=r"two columns named 'a' \(positions 1 and 2\)") as caught:
        open_input(path)
    assert caught.value.code == ReasonCode.INPUT_INVALID


def test_open_input_refuses_what_is_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(PrivprepError, match=r"(?i)is not readable parquet") as caught:
        open_input(path)
    assert caught.value.code == ReasonCode.INPUT_INVALID
