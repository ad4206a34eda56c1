"""k-anonymity / l-diversity numbers: hand-computed examples and an independent pandas computation."""

from __future__ import annotations

import bisect
from typing import Any

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.checks import run_checks
from privprep.checks.classes import DIVERSITY_EDGES, SIZE_EDGES
from privprep.errors import PrivprepError, ReasonCode
from privprep.policy.checks import ChecksSpec


def spec(**checks: Any) -> ChecksSpec:
    return ChecksSpec.model_validate(checks)


def suppressing(qis: list[str], k: int, share: float = 1.0) -> dict[str, Any]:
    return {"quasi_identifiers": qis, "k": k, "on_fail": "suppress", "max_suppression": share}


def diverse(qis: list[str], l: int) -> dict[str, Any]:  # noqa: E741
    return {"quasi_identifiers": qis, "sensitive": "s", "l": l, "on_fail": "suppress", "max_suppression": 1.0}


# (zip, sex) classes: (a,F) x3, (a,M) x2, (b,F) x1, (null,F) x2
HAND = pl.DataFrame({
    "zip": ["a", "a", "a", "a", "a", "b", None, None],
    "sex": ["F", "F", "F", "M", "M", "F", "F", "F"],
    "dx":  ["x", "y", "x", "x", "x", "y", None, "z"],
})  # fmt: skip


def failed_record(checks: ChecksSpec, frame: pl.DataFrame) -> dict[str, Any]:
    with pytest.raises(PrivprepError) as err:
        run_checks(checks, frame.lazy())
    assert err.value.code is ReasonCode.CHECK_FAILED
    return err.value.details["checks"]


def test_k_anonymity_hand_computed() -> None:
    entry = failed_record(spec(k_anonymity={"quasi_identifiers": ["zip", "sex"], "k": 3}), HAND)[
        "k_anonymity"
    ]
    out = entry["output"]
    assert (entry["k_achieved"], out["smallest_class"], out["classes"], out["rows"]) == (1, 1, 4, 8)
    assert out["unique_share"] == pytest.approx(1 / 8)
    assert out["below_threshold"] == {"classes": 3, "rows": 5}
    sizes = {b["size"]: (b["classes"], b["rows"]) for b in out["class_sizes"]}
    assert sizes == {"1": (1, 1), "2": (2, 4), "3": (1, 3), "4": (0, 0), "5-9": (0, 0), "10-19": (0, 0),
                     "20-49": (0, 0), "50-99": (0, 0), "100+": (0, 0)}  # fmt: skip
    assert entry["status"] == "failed" and entry["rows_suppressed"] == 0


def test_l_diversity_hand_computed_a_null_sensitive_value_adds_no_diversity() -> None:
    checks = spec(l_diversity={"quasi_identifiers": ["zip", "sex"], "sensitive": "dx", "l": 2})
    entry = failed_record(checks, HAND)["l_diversity"]
    # diversity: (a,F) {x,y} = 2; (a,M) {x} = 1; (b,F) {y} = 1; (null,F) {z, null} = 1
    assert entry["l_achieved"] == 1 and entry["output"]["lowest_diversity"] == 1
    assert entry["output"]["below_threshold"] == {"classes": 3, "rows": 5}
    assert {d["distinct"]: d["classes"] for d in entry["output"]["diversity"]}["1"] == 3


def test_nulls_in_a_quasi_identifier_form_one_class_and_survive_suppression() -> None:
    outcome = run_checks(spec(k_anonymity=suppressing(["zip"], 2)), HAND.lazy())
    assert outcome.record["k_anonymity"]["rows_suppressed"] == 1  # only the lone 'b'
    assert outcome.suppress is not None
    kept = outcome.suppress(HAND.lazy()).collect()
    assert kept["zip"].to_list() == ["a"] * 5 + [None, None]  # order kept, the null class stays


def test_passing_check_suppresses_nothing() -> None:
    outcome = run_checks(spec(k_anonymity={"quasi_identifiers": ["sex"], "k": 2}), HAND.lazy())
    assert outcome.suppress is None and outcome.warnings == [
        "checks.k_anonymity.k = 2 is low; 5 or more is usual"
    ]
    record = outcome.record
    assert (record["passed"], record["rows_checked"], record["rows_suppressed"], record["rows_written"]) == (
        True,
        8,
        0,
        8,
    )
    assert record["k_anonymity"]["status"] == "passed" and record["k_anonymity"]["k_achieved"] == 2


def test_input_baseline_is_measured_on_the_same_columns_of_the_input() -> None:
    output = HAND.with_columns(zip=pl.lit("*"))
    outcome = run_checks(
        spec(k_anonymity={"quasi_identifiers": ["zip"], "k": 3}), output.lazy(), before=HAND.lazy()
    )
    entry = outcome.record["k_anonymity"]
    assert entry["input"]["classes"] == 3 and entry["input"]["smallest_class"] == 1
    assert entry["output"]["classes"] == 1 and entry["k_achieved"] == 8


def test_failure_message_names_columns_numbers_and_the_best_generalization() -> None:
    frame = pl.DataFrame({"zip": [str(i) for i in range(40)], "year": [1980 + i % 2 for i in range(40)]})
    with pytest.raises(PrivprepError) as err:
        run_checks(spec(k_anonymity={"quasi_identifiers": ["zip", "year"], "k": 5}), frame.lazy())
    text = str(err.value)
    assert "k-anonymity failed on (zip, year)" in text and "40 of 40 rows" in text
    assert "dropping 'zip' helps most: without it 0 rows" in text and "without year: 40" in text
    assert err.value.details["checks"]["k_anonymity"]["suggestion"] == {
        "quasi_identifier": "zip", "rows_below_threshold_without": {"zip": 0, "year": 40},
    }  # fmt: skip


def test_suppression_above_max_suppression_fails() -> None:
    record = failed_record(spec(k_anonymity=suppressing(["zip", "sex"], 3, 0.5)), HAND)
    assert record["k_anonymity"]["status"] == "failed" and record["rows_written"] == 0


def test_missing_quasi_identifier_is_a_column_error() -> None:
    with pytest.raises(PrivprepError) as err:
        run_checks(spec(k_anonymity={"quasi_identifiers": ["zip", "postcode"], "k": 3}), HAND.lazy())
    assert err.value.code is ReasonCode.COLUMN_MISSING and "'postcode'" in str(err.value)


def test_record_never_holds_a_value() -> None:
    zips = [f"secret-zip-{i % 7}" for i in range(49)] + ["secret-zip-lonely"]
    frame = pl.DataFrame({"zip": zips, "dx": [f"secret-dx-{i % 3}" for i in range(50)]})
    checks = spec(k_anonymity=suppressing(["zip"], 7, 0.5),
                  l_diversity={"quasi_identifiers": ["zip"], "sensitive": "dx", "l": 2})  # fmt: skip
    outcome = run_checks(checks, frame.lazy(), before=frame.lazy())
    assert outcome.record["rows_suppressed"] == 1
    assert "secret" not in repr(outcome.record) and "secret" not in " ".join(outcome.warnings)


# --- against an independent computation ----------------------------------------------------------

rows = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 2, None]),
        st.sampled_from(["a", "b", None]),
        st.sampled_from(["x", "y", "z", None]),
    ),
    max_size=60,
)


def frame_of(data: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(data, schema={"q1": pl.Int64, "q2": pl.String, "s": pl.String}, orient="row")


def pandas_classes(frame: pl.DataFrame, qis: list[str]) -> pd.DataFrame:
    df = frame.to_pandas()
    return df.groupby(qis, dropna=False).agg(size=("s", "size"), diversity=("s", "nunique")).reset_index()


def bucket_counts(values: pd.Series, edges: tuple[int, ...]) -> list[int]:
    counts = [0] * len(edges)
    for v in values:
        counts[bisect.bisect_right(edges, v) - 1] += 1
    return counts


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(2, 6))
def test_k_anonymity_matches_pandas(data: list[tuple[Any, ...]], k: int) -> None:
    frame = frame_of(data)
    outcome = run_checks(spec(k_anonymity=suppressing(["q1", "q2"], k)), frame.lazy())
    measured = outcome.record["k_anonymity"]["transformed"]
    classes = pandas_classes(frame, ["q1", "q2"])
    sizes = classes["size"]
    assert measured["rows"] == len(frame) and measured["classes"] == len(classes)
    assert measured["smallest_class"] == (int(sizes.min()) if len(sizes) else None)
    assert measured["unique_share"] == pytest.approx(
        int((sizes == 1).sum()) / len(frame) if len(frame) else 0.0, abs=1e-6
    )
    assert measured["below_threshold"]["rows"] == int(sizes[sizes < k].sum())
    assert [b["classes"] for b in measured["class_sizes"]] == bucket_counts(sizes, SIZE_EDGES)
    written = outcome.suppress(frame.lazy()).collect() if outcome.suppress else frame
    assert len(written) == len(frame) - int(sizes[sizes < k].sum()) == outcome.record["rows_written"]
    if len(written):
        assert int(pandas_classes(written, ["q1", "q2"])["size"].min()) >= k


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(2, 3))
def test_l_diversity_matches_pandas(data: list[tuple[Any, ...]], l: int) -> None:  # noqa: E741
    frame = frame_of(data)
    checks = spec(l_diversity=diverse(["q1", "q2"], l))
    outcome = run_checks(checks, frame.lazy())
    measured = outcome.record["l_diversity"]["transformed"]
    classes = pandas_classes(frame, ["q1", "q2"])
    diversity = classes["diversity"]
    assert measured["lowest_diversity"] == (int(diversity.min()) if len(diversity) else None)
    assert measured["below_threshold"]["classes"] == int((diversity < l).sum())
    assert measured["below_threshold"]["rows"] == int(classes["size"][diversity < l].sum())
    assert [b["classes"] for b in measured["diversity"]] == bucket_counts(diversity, DIVERSITY_EDGES)


@settings(max_examples=40, deadline=None)
@given(rows)
def test_checks_on_different_columns_both_hold_on_what_is_written(data: list[tuple[Any, ...]]) -> None:
    frame = frame_of(data)
    checks = spec(k_anonymity=suppressing(["q1"], 3), l_diversity=diverse(["q1", "q2"], 2))
    outcome = run_checks(checks, frame.lazy())
    written = outcome.suppress(frame.lazy()).collect() if outcome.suppress else frame
    assert len(written) == outcome.record["rows_written"]
    if len(written):
        assert int(pandas_classes(written, ["q1"])["size"].min()) >= 3
        assert int(pandas_classes(written, ["q1", "q2"])["diversity"].min()) >= 2
    assert outcome.record["k_anonymity"]["output"]["rows"] == len(written)
