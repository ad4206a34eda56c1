"""Comparing drift profiles: every schema change is reported; PSI only over the same bins."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.drift.compare import compare, schema_change
from privprep.drift.model import ColumnDrift, DriftProfile, Histogram
from privprep.drift.profile import schema_hash

DTYPES = ["Int64", "Float64", "String", "Boolean", "Date"]


def profile(columns: dict[str, ColumnDrift], k: int = 10) -> DriftProfile:
    dtypes = {n: c.dtype for n, c in columns.items()}
    return DriftProfile(rows=100, row_limit=100, schema_hash=schema_hash(dtypes), k=k, columns=columns)


def col(dtype: str = "Int64", histogram: Histogram | None = None, null_rate: float = 0.0) -> ColumnDrift:
    return ColumnDrift(dtype=dtype, null_rate=null_rate, distinct=5, histogram=histogram)


schemas = st.dictionaries(st.sampled_from(list("abcdefgh")), st.sampled_from(DTYPES), max_size=8)


@settings(max_examples=200)
@given(schemas, schemas)
def test_a_schema_change_is_always_reported(before: dict[str, str], after: dict[str, str]) -> None:
    a = profile({n: col(d) for n, d in before.items()})
    b = profile({n: col(d) for n, d in after.items()})
    change = compare(a, b).schema_
    assert set(change.added) == after.keys() - before.keys()
    assert set(change.removed) == before.keys() - after.keys()
    assert {r.column for r in change.retyped} == {n for n in after if n in before and after[n] != before[n]}
    assert change.changed == (set(before.items()) != set(after.items()))
    if change.changed:
        lines = compare(a, b).problems()
        assert len(lines) == len(change.added) + len(change.removed) + len(change.retyped)


def test_numeric_psi_needs_the_same_edges() -> None:
    h = Histogram(kind="numeric", source="derived", edges=[1.0, 2.0], counts=[10, 10, 10])
    shifted = Histogram(kind="numeric", source="baseline", edges=[1.0, 2.0], counts=[0, 10, 50])
    other = Histogram(kind="numeric", source="derived", edges=[1.5], counts=[10, 10])
    c = compare(profile({"x": col(histogram=h)}), profile({"x": col(histogram=shifted)}), psi_limit=0.2)
    assert c.columns[0].drifted and c.columns[0].psi is not None and c.columns[0].psi > 1
    c = compare(profile({"x": col(histogram=h)}), profile({"x": col(histogram=other)}))
    assert (c.columns[0].psi, c.columns[0].note) == (None, "bins differ")


def test_null_rate_limit_and_label_shares_under_k() -> None:
    labels = Histogram(kind="label", source="taxonomy", bins=["a", "b", "__other__"], counts=[90, 5, 0])
    more = Histogram(
        kind="label", source="taxonomy", bins=["a", "b", "c", "__other__"], counts=[50, 40, 10, 0]
    )
    a = profile({"y": col("String", labels, 0.0)})
    b = profile({"y": col("String", more, 0.3)})
    c = compare(a, b, null_rate_limit=0.1)
    assert c.columns[0].drifted
    (shares,) = c.labels
    assert shares.classes == ["a", "b", "__other__", "c"]
    assert shares.before == [0.9474, None, 0.0, 0.0]  # 5 rows of b: under k, not shown
    assert shares.after == [0.5, 0.4, 0.0, 0.1]


def test_schema_change_lists_retyped_dtypes() -> None:
    change = schema_change(profile({"a": col("Int64")}), profile({"a": col("String")}))
    assert [(r.column, r.before, r.after) for r in change.retyped] == [("a", "Int64", "String")]
