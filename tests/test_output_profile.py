"""The profile's text-length quantiles are Polars' own ``quantile(q, "nearest")``, value-free."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.profile import LENGTH_QUANTILES, profile_frame


@settings(max_examples=40, deadline=None)
@given(st.lists(st.none() | st.text(max_size=40), max_size=60))
def test_length_quantiles_match_polars(texts: list[str | None]) -> None:
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    lengths = frame["t"].str.len_chars()
    want = [lengths.quantile(q, "nearest") for q in LENGTH_QUANTILES]
    got = profile_frame(frame.lazy())["columns"]["t"]["length"]
    assert got == [None if w is None else float(w) for w in want]
