"""The scalar text forms and coercions the twins rest on, against Polars itself."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from privprep.serve.values import RecordError, coercer, float_text, text_twin


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_float_text_is_polars_text(values: list[float]) -> None:
    assert [float_text(v) for v in values] == pl.Series(values, dtype=pl.Float64).cast(pl.String).to_list()


@pytest.mark.parametrize(
    ("dtype", "strategy"),
    [
        (pl.Int64, st.integers(-(2**63), 2**63 - 1)),
        (pl.UInt8, st.integers(0, 255)),
        (pl.Boolean, st.booleans()),
        (pl.Date, st.dates()),
        (pl.Datetime("us"), st.datetimes()),
        (pl.String, st.text()),
    ],
)
@given(data=st.data())
def test_text_twin_is_polars_text(
    dtype: pl.DataType, strategy: st.SearchStrategy, data: st.DataObject
) -> None:
    values = data.draw(st.lists(strategy, min_size=1, max_size=20))
    text = text_twin(dtype)
    assert text is not None
    assert [text(v) for v in values] == pl.Series(values, dtype=dtype).cast(pl.String).to_list()


@pytest.mark.parametrize(
    ("dtype", "bad"),
    [(pl.Int64, "12"), (pl.Int64, True), (pl.Int8, 300), (pl.String, 5), (pl.Date, "07/03/1984"),
     (pl.Datetime("us"), "2024-01-01T00:00:00+01:00"), (pl.Boolean, 1), (pl.Float64, "1.5"),
     (pl.Float32, "secret-value"), (pl.Float64, 10**400)],
)  # fmt: skip
def test_refusals_name_the_field_and_dtype_never_the_value(dtype: pl.DataType, bad: object) -> None:
    with pytest.raises(RecordError) as caught:
        coercer("field_a", dtype)(bad)
    message = str(caught.value)
    assert "field_a" in message
    assert str(bad) not in message.replace("field_a", "")


def test_coercion_gives_the_value_polars_holds() -> None:
    assert coercer("d", pl.Date)("2024-02-29") == dt.date(2024, 2, 29)
    assert coercer("f", pl.Float64)(3) == 3.0 and type(coercer("f", pl.Float64)(3)) is float
    assert coercer("t", pl.Datetime("us"))("2024-01-01T10:00:00") == dt.datetime(2024, 1, 1, 10)
    assert coercer("f", pl.Float32)(0.1) == pl.Series([0.1], dtype=pl.Float32).item()
    assert coercer("s", pl.String)(None) is None
