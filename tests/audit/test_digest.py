"""The order-independent content digest: same content in any order or split, different content differs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.digest import (
    FMIX,
    MIX,
    NULL_HASH,
    START,
    Partial,
    content_digest,
    partial,
    path_digest,
    recorded_scheme,
)

EVERY = pl.DataFrame(
    {
        "i": pl.Series([1, None, 3], dtype=pl.UInt16),
        "f": [1.5, float("nan"), None],
        "s": ["é😀", "", None],
        "b": [b"\x00", None, b""],
        "d": [dt.date(2020, 1, 1), None, dt.date(1970, 1, 1)],
        "t": pl.Series([dt.datetime(2020, 1, 1, 1), None, None]).dt.replace_time_zone("UTC"),
        "dur": [dt.timedelta(seconds=3), None, dt.timedelta(0)],
        "dec": pl.Series([Decimal("1.20"), None, Decimal("-3.00")], dtype=pl.Decimal(6, 2)),
        "l": [[1, None], [], None],
        "st": [{"a": "x", "n": 1}, None, {"a": None, "n": None}],
        "cat": pl.Series(["a", None, "b"], dtype=pl.Categorical),
        "arr": pl.Series([[1, 2], None, [3, 4]], dtype=pl.Array(pl.Int8, 2)),
    }
)

cells = st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.one_of(st.none(), st.text(max_size=4)))
rows = st.lists(cells, max_size=30)


@given(rows, st.randoms())
@settings(max_examples=50, deadline=None)
def test_order_and_split_do_not_change_the_digest(values: list[tuple[int | None, str | None]], rng) -> None:
    frame = pl.DataFrame(values, schema={"n": pl.Int64, "s": pl.String}, orient="row")
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rng.randint(0, 1000))
    cut = rng.randint(0, frame.height)
    assert content_digest(frame) == content_digest(shuffled)
    assert partial(frame) == partial(shuffled.head(cut)) + partial(shuffled.tail(frame.height - cut))


def test_every_dtype_has_a_digest_and_each_value_counts() -> None:
    base = content_digest(EVERY)
    assert base.startswith("sum64v3:") and len(base) == len("sum64v3:") + 16
    for column in EVERY.columns:
        changed = EVERY.with_columns(pl.col(column).shift(1))  # one column's values move to other rows
        assert content_digest(changed) != base, column


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"s": [None]}, {"s": [""]}),  # null is not the empty string
        ({"s": ["ab", "c"]}, {"s": ["a", "bc"]}),
        ({"a": ["x"], "b": ["y"]}, {"a": ["xy"], "b": [""]}),  # values do not run into each other
        ({"l": [["a,b"]]}, {"l": [["a", "b"]]}),
        ({"n": [1, 1]}, {"n": [1]}),  # a repeated row counts twice
        ({"s": [None]}, {"s": ["\x1f~"]}),  # a text that reads like the null mark
        ({"a": ["x\x1f,"], "b": ["y"]}, {"a": ["x"], "b": ["\x1f,y"]}),  # ... or like the separator
    ],
)
def test_different_content_differs(left: dict, right: dict) -> None:
    assert content_digest(pl.DataFrame(left)) != content_digest(pl.DataFrame(right))


def test_a_folder_of_parts_has_the_digest_of_the_whole(tmp_path: Path) -> None:
    folder = tmp_path / "out.parquet"
    folder.mkdir()
    EVERY.head(1).write_parquet(folder / "part-0.parquet")
    EVERY.tail(2).write_parquet(folder / "part-1.parquet")
    EVERY.write_parquet(tmp_path / "whole.parquet")
    assert path_digest(folder) == path_digest(tmp_path / "whole.parquet") == content_digest(EVERY)
    (tmp_path / "empty").mkdir()
    assert path_digest(tmp_path / "empty") == Partial().text == content_digest(EVERY.clear())


TRICKY = st.one_of(st.none(), st.text(alphabet="\x1f,~a", max_size=4))


@given(st.tuples(TRICKY, TRICKY, TRICKY), st.tuples(TRICKY, TRICKY, TRICKY))
@settings(max_examples=200, deadline=None)
def test_a_row_text_reads_back_one_way_only(left: tuple, right: tuple) -> None:
    """Separators, escapes and null marks inside values never make two different rows hash alike."""
    schema = {"a": pl.String, "b": pl.String, "c": pl.String}
    digests = [content_digest(pl.DataFrame([row], schema=schema, orient="row")) for row in (left, right)]
    assert (digests[0] == digests[1]) == (left == right)


def test_records_of_earlier_schemes_are_still_recomputed(tmp_path: Path) -> None:
    """Runs recorded before ``sum64v3`` hold ``sum64v2`` or ``sum64``; ``audit verify`` recomputes those."""
    EVERY.write_parquet(tmp_path / "old.parquet")
    assert path_digest(tmp_path / "old.parquet", "sum64") == "sum64:1b6fc447ac0e2b34"  # as recorded then
    assert path_digest(tmp_path / "old.parquet", "sum64v2") == "sum64v2:d368033ba1038040"
    assert recorded_scheme("sum64:1b6fc447ac0e2b34") == "sum64"
    assert recorded_scheme("sum64v2:d368033ba1038040") == "sum64v2"
    assert recorded_scheme(content_digest(EVERY)) == "sum64v3"
    assert recorded_scheme("md5:00") is None
    with pytest.raises(ValueError, match="two digest schemes"):
        partial(EVERY, "sum64") + partial(EVERY)


def _reference(frame: pl.DataFrame) -> str:
    """``sum64v3`` recomputed in plain Python with the ``xxhash`` package, as a reviewer would."""
    mask = (1 << 64) - 1
    total = 0
    for row in frame.select(pl.all().cast(pl.String)).iter_rows():
        acc = START
        for text in row:
            h = NULL_HASH if text is None else xxhash.xxh3_64_intdigest(text.encode())
            acc = ((acc ^ h) * MIX) & mask
        for multiplier in FMIX:
            acc = ((acc ^ (acc >> 33)) * multiplier) & mask
        total = (total + (acc ^ (acc >> 33))) & mask
    return f"sum64v3:{total:016x}"


SCALARS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        st.one_of(st.none(), st.text()),
        st.one_of(st.none(), st.floats(allow_nan=False)),
        st.one_of(st.none(), st.dates()),
    ),
    max_size=20,
)


@given(SCALARS)
@settings(max_examples=50, deadline=None)
def test_any_xxh3_implementation_recomputes_the_digest(values: list[tuple]) -> None:
    schema = {"i": pl.Int64, "s": pl.String, "f": pl.Float64, "d": pl.Date}
    frame = pl.DataFrame(values, schema=schema, orient="row")
    assert content_digest(frame) == _reference(frame)
