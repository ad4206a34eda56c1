"""pseudonymize and shift_date: keyed, per-column keys, domains shared on request, nulls kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, OTHER_KEY, make_policy, one, transform

from privprep import PrivprepError, ReasonCode
from privprep.keys import MasterKey
from privprep.transforms import Context


def reference_token(value: str, column: str, key: str = KEY, length: int = 32) -> str:
    """HMAC-SHA256 under the column's derived key, computed with the standard library."""
    derived = MasterKey(key.encode()).derive("pseudonymize", f"column:{column}")
    return hmac.new(derived.encode(), value.encode(), hashlib.sha256).hexdigest()[:length]


def test_derived_keys_separate_columns_from_domains() -> None:
    ctx = Context("customer", pl.Schema({"customer": pl.String}), MasterKey(KEY.encode()), make_policy({}))
    master = MasterKey(KEY.encode())
    assert ctx.column_key("pseudonymize", None) == master.derive("pseudonymize", "column:customer")
    assert ctx.column_key("pseudonymize", "customer") == master.derive("pseudonymize", "domain:customer")
    assert ctx.column_key("pseudonymize", None) != ctx.column_key("pseudonymize", "customer")


@pytest.mark.parametrize("value", ["alice@example.com", "123", "Émile Zola", "日本語", "", " x "])
def test_pseudonym_is_the_keyed_hmac_of_the_text(value: str) -> None:
    assert one([value], "pseudonymize") == [reference_token(value, "v")]


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({}, r"^[0-9a-f]{32}$"),
        ({"length": 16}, r"^[0-9a-f]{16}$"),
        ({"length": 64}, r"^[0-9a-f]{64}$"),
        ({"length": 20, "prefix": "cust_"}, r"^cust_[0-9a-f]{20}$"),
    ],
)
def test_pseudonym_length_and_prefix(params: dict[str, Any], pattern: str) -> None:
    out = pl.Series(one(["a", "b", None], {"action": "pseudonymize", **params}))
    assert out.null_count() == 1 and out.drop_nulls().str.contains(pattern).all()
    assert out[0] != out[1]


def test_pseudonym_prefix_of_a_longer_pseudonym() -> None:
    short, long = one(["x"], {"action": "pseudonymize", "length": 16})[0], one(["x"], "pseudonymize")[0]
    assert long.startswith(short)


@pytest.mark.parametrize(
    ("values", "dtype", "text"),
    [
        ([123], pl.Int64, "123"),
        ([123], pl.Int32, "123"),
        ([1.5], pl.Float64, "1.5"),
        ([dt.date(2020, 1, 2)], pl.Date, "2020-01-02"),
    ],
)
def test_pseudonymize_hashes_the_canonical_text_of_scalars(
    values: list[Any], dtype: pl.DataType, text: str
) -> None:
    assert one(values, "pseudonymize", dtype) == [reference_token(text, "v")]


def test_same_value_same_token_and_nulls_stay_null() -> None:
    out = one(["a", None, "a", "b"], "pseudonymize")
    assert out[0] == out[2] != out[3] and out[1] is None


def test_columns_get_different_tokens_unless_they_share_a_domain() -> None:
    values = [f"id-{i}" for i in range(20)]
    frame = pl.DataFrame({"a": values, "b": values, "c": values, "d": values})
    out = transform(
        frame,
        {
            "a": "pseudonymize",
            "b": "pseudonymize",
            "c": {"action": "pseudonymize", "domain": "customer"},
            "d": {"action": "pseudonymize", "domain": "customer"},
        },
    )
    assert not set(out["a"]) & set(out["b"])
    assert not set(out["a"]) & set(out["c"])
    assert out["c"].to_list() == out["d"].to_list()


def test_a_domain_is_shared_across_frames_and_column_names() -> None:
    left = transform(
        pl.DataFrame({"customer_id": [7, 8]}), {"customer_id": {"action": "pseudonymize", "domain": "cust"}}
    )
    right = transform(
        pl.DataFrame({"cust_ref": [8, 9]}), {"cust_ref": {"action": "pseudonymize", "domain": "cust"}}
    )
    assert left["customer_id"][1] == right["cust_ref"][0]


def test_a_column_name_does_not_collide_with_a_declared_domain() -> None:
    frame = pl.DataFrame({"customer": ["x", "y"], "ref": ["x", "y"]})
    out = transform(
        frame, {"customer": "pseudonymize", "ref": {"action": "pseudonymize", "domain": "customer"}}
    )
    assert not set(out["customer"]) & set(out["ref"])


def test_a_different_key_gives_different_tokens() -> None:
    values = [f"v{i}" for i in range(50)]
    assert not set(one(values, "pseudonymize", key=KEY)) & set(one(values, "pseudonymize", key=OTHER_KEY))


def test_pseudonymize_many_values_is_injective() -> None:
    values = [f"user-{i}" for i in range(20_000)]
    assert len(set(one(values, {"action": "pseudonymize", "length": 16}))) == len(values)


# ---------------------------------------------------------------- shift_date


def shifted_days(frame: pl.DataFrame, rule: dict[str, Any], column: str = "d") -> pl.Series:
    out = transform(frame, {column: rule})
    return (out[column].cast(pl.Date) - frame[column].cast(pl.Date)).dt.total_days()


def test_shift_is_the_same_for_every_row_of_an_entity_and_within_max_days() -> None:
    ids = [i % 300 for i in range(3000)]
    base = dt.date(2020, 1, 1)
    dates = [base + dt.timedelta(days=(i * 37) % 1000) for i in range(3000)]
    frame = pl.DataFrame({"id": ids, "d": dates})
    days = shifted_days(frame, {"action": "shift_date", "max_days": 30, "by": "id"})
    per_entity = (
        pl.DataFrame({"id": ids, "days": days}).group_by("id").agg(pl.col("days").n_unique().alias("n"))
    )
    assert (per_entity["n"] == 1).all()
    assert days.is_between(-30, 30).all()
    offsets = pl.DataFrame({"id": ids, "days": days}).unique("id")["days"]
    assert offsets.n_unique() > 40 and offsets.min() < 0 < offsets.max()  # spread over the whole range


@pytest.mark.parametrize("max_days", [1, 7, 365])
def test_shift_stays_within_max_days(max_days: int) -> None:
    dates = [dt.date(2000, 1, 1) + dt.timedelta(days=i) for i in range(2000)]
    days = shifted_days(pl.DataFrame({"d": dates}), {"action": "shift_date", "max_days": max_days})
    assert days.is_between(-max_days, max_days).all()
    assert (days != 0).all()  # offset 0 is excluded (was 1 in 2·max_days+1)
    if max_days == 1:
        assert set(days) == {-1, 1}


def test_without_by_the_date_itself_is_the_entity() -> None:
    frame = pl.DataFrame({"d": [dt.date(2021, 5, 5), dt.date(2021, 5, 5), None]})
    out = transform(frame, {"d": {"action": "shift_date", "max_days": 10}})["d"].to_list()
    assert out[0] == out[1] and out[2] is None


def test_datetimes_at_day_granularity_keep_their_time_and_dtype() -> None:
    frame = pl.DataFrame(
        {"id": [1, 1], "d": [dt.datetime(2020, 3, 1, 12, 30, 15), dt.datetime(2020, 6, 1, 8, 0)]}
    )
    out = transform(frame, {"d": {"action": "shift_date", "max_days": 5, "by": "id", "granularity": "day"}})
    assert out.schema["d"] == pl.Datetime("us")
    assert [v.time() for v in out["d"]] == [dt.time(12, 30, 15), dt.time(8, 0)]
    deltas = {(o - i).days for o, i in zip(out["d"], frame["d"], strict=True)}
    assert len(deltas) == 1 and abs(deltas.pop()) <= 5


@pytest.mark.parametrize("dtype", [pl.Datetime("us"), pl.Datetime("ns", "Europe/Paris"), pl.Datetime("ms")])
def test_datetimes_move_by_seconds_within_max_days_keeping_dtype_and_intervals(dtype: pl.DataType) -> None:
    start = dt.datetime(2021, 1, 1, 9, 0, 0)
    frame = pl.DataFrame(
        {"id": [1, 1, 2], "d": [start, start + dt.timedelta(hours=5, seconds=7), start]},
        schema={"id": pl.Int64, "d": dtype},
    )
    out = transform(frame, {"d": {"action": "shift_date", "max_days": 2, "by": "id"}})
    assert out.schema["d"] == dtype
    moved = (out["d"] - frame["d"]).dt.total_seconds()
    assert moved[0] == moved[1] != 0 and moved.abs().max() <= 2 * 86_400  # type: ignore[operator]
    assert out["d"][1] - out["d"][0] == dt.timedelta(hours=5, seconds=7)


def test_granularity_second_needs_a_datetime_column() -> None:
    frame = pl.DataFrame({"d": [dt.date(2020, 1, 1)]})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"d": {"action": "shift_date", "max_days": 3, "granularity": "second"}})
    assert err.value.code is ReasonCode.TYPE_MISMATCH and "granularity: second" in str(err.value)


def test_shifted_timestamps_do_not_link_back_by_time_of_day() -> None:
    """5,000 rows of 1,000 entities: matching by time of day links (almost) no row back."""
    n = 5000
    base = dt.datetime(2022, 1, 1)
    stamps = [base + dt.timedelta(days=(i * 37) % 400, seconds=i * 17) for i in range(n)]  # distinct times
    frame = pl.DataFrame({"row": list(range(n)), "id": [i % 1000 for i in range(n)], "d": stamps})
    out = transform(frame, {"d": {"action": "shift_date", "max_days": 30, "by": "id"}})
    seconds = pl.col("d").dt.hour() * 3600 + pl.col("d").dt.minute() * 60 + pl.col("d").dt.second()
    inputs = frame.select("row", tod=seconds)
    outputs = out.select(pl.col("row").alias("true_row"), tod=seconds)

    def linked(outputs: pl.DataFrame) -> int:
        """Output rows whose time of day matches exactly one input row, and that row is theirs."""
        candidates = outputs.join(inputs, on="tod")
        unique = candidates.filter(pl.len().over("true_row") == 1)
        return unique.filter(pl.col("row") == pl.col("true_row")).height

    assert linked(outputs) <= 5 and (inputs["tod"] == outputs["tod"]).sum() <= 5
    day = transform(frame, {"d": {"action": "shift_date", "max_days": 30, "by": "id", "granularity": "day"}})
    assert linked(day.select(pl.col("row").alias("true_row"), tod=seconds)) == n  # the attack, at day


@pytest.mark.parametrize(("max_days", "granularity"), [(1, "day"), (30, "day"), (1, "second")])
def test_no_entity_gets_offset_zero(max_days: int, granularity: str) -> None:
    n = 20_000
    frame = pl.DataFrame({"id": list(range(n)), "d": [dt.datetime(2020, 1, 1, 12)] * n})
    rule = {"action": "shift_date", "max_days": max_days, "by": "id", "granularity": granularity}
    moved = (transform(frame, {"d": rule})["d"] - frame["d"]).dt.total_seconds()
    assert (moved != 0).all() and moved.abs().max() <= max_days * 86_400  # type: ignore[operator]
    assert moved.min() < 0 < moved.max()  # type: ignore[operator]


def test_date_strings_are_parsed_and_written_iso() -> None:
    frame = pl.DataFrame(
        {"id": [1, 1, 1, 1], "d": ["2020-01-10", "10/01/2020", "January 10, 2020", "garbage"]}
    )
    out = transform(frame, {"d": {"action": "shift_date", "max_days": 20, "by": "id"}})["d"].to_list()
    assert out[0] == out[1] == out[2] and out[3] is None
    shift = (dt.date.fromisoformat(out[0]) - dt.date(2020, 1, 10)).days
    assert abs(shift) <= 20


def test_date_columns_sharing_a_domain_share_the_entity_offset() -> None:
    frame = pl.DataFrame(
        {
            "id": list(range(50)),
            "a": [dt.date(2020, 1, 1)] * 50,
            "b": [dt.date(2020, 1, 1)] * 50,
            "c": [dt.date(2020, 1, 1)] * 50,
        }
    )
    rule = {"action": "shift_date", "max_days": 100, "by": "id"}
    out = transform(frame, {"a": {**rule, "domain": "visit"}, "b": {**rule, "domain": "visit"}, "c": rule})
    assert out["a"].to_list() == out["b"].to_list() != out["c"].to_list()


def test_shift_depends_on_the_key() -> None:
    dates = [dt.date(2020, 1, 1)] * 40
    rule = {"action": "shift_date", "max_days": 1000, "by": "id"}
    frame = pl.DataFrame({"id": list(range(40)), "d": dates})
    assert (
        transform(frame, {"d": rule}, KEY)["d"].to_list()
        != transform(frame, {"d": rule}, OTHER_KEY)["d"].to_list()
    )


def test_by_must_name_an_input_column() -> None:
    frame = pl.DataFrame({"d": [dt.date(2020, 1, 1)]})
    with pytest.raises(PrivprepError) as err:
        transform(frame, {"d": {"action": "shift_date", "max_days": 3, "by": "patient"}})
    assert err.value.code is ReasonCode.COLUMN_MISSING
    assert "columns.d.by" in str(err.value) and "'patient'" in str(err.value)
