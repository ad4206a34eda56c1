"""Invariants of the core, checked with Hypothesis on generated data.

- same input and key → identical output; another key → other tokens;
- a value's token is the same in two different frames;
- dropped columns never appear; nulls stay null; identifier fakes are unique;
- no raw value of a protected column anywhere in the output file (bytes, values, statistics,
  metadata) or in the audit log.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import re
import string
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, OTHER_KEY, POOLED, leaks, make_policy, one, transform
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privprep
from privprep.transforms.fake import PERMUTATIONS

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Raw values that cannot appear by accident: 12-24 characters, upper-case/digits/non-ASCII letters,
# at least one letter (fakes and tokens are lower-case hex, pool values or masks).
RAW = st.text(string.ascii_uppercase + string.digits + "ÄÖÜЖЯΩ日本", min_size=12, max_size=24).filter(
    lambda s: any(not c.isdigit() for c in s)
)
VALUES = st.lists(RAW, min_size=1, max_size=30, unique=True)
COLUMN_NAME = st.from_regex(r"[a-z][a-z0-9_ ]{0,10}", fullmatch=True)
NULLABLE = st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=30)
TEXT_RULES = [
    "keep",
    "redact",
    "mask",
    {"action": "mask", "keep_first": 1, "keep_last": 2},
    "pseudonymize",
    {"action": "pseudonymize", "length": 16, "prefix": "t_"},
    {"action": "fake", "kind": "email"},
    {"action": "fake", "kind": "name"},
    {"action": "fake", "kind": "ip"},
    {"action": "fake", "kind": "username"},
    {"action": "generalize", "keep_prefix": 2},
]
# The fakes share one domain so that they reuse the Faker pools other tests draw (see POOLED);
# the per-column key separation is tested in tests/transforms.
PROTECTED = {
    "p_pseudo": "pseudonymize",
    "p_email": {"action": "fake", "kind": "email", "domain": POOLED},
    "p_name": {"action": "fake", "kind": "name", "domain": POOLED},
    "p_user": {"action": "fake", "kind": "username", "domain": POOLED},
    "p_city": {"action": "fake", "kind": "city", "domain": POOLED},
    "p_redact": "redact",
    "p_mask": {"action": "mask", "keep_first": 2, "keep_last": 2},
    "p_prefix": {"action": "generalize", "keep_prefix": 3},
    "p_drop": "drop",
}


@contextmanager
def uncompressed_output() -> Iterator[None]:
    """Make privprep's sink write uncompressed pages, so a raw value would show in the file's bytes."""
    original = pl.LazyFrame.sink_parquet

    def sink(self: pl.LazyFrame, path: Any, **kwargs: Any) -> Any:
        return original(self, path, **{**kwargs, "compression": "uncompressed"})

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pl.LazyFrame, "sink_parquet", sink)
        yield


@SETTINGS
@given(values=NULLABLE, rule=st.sampled_from(TEXT_RULES))
def test_same_input_and_key_same_output(values: list[str | None], rule: Any) -> None:
    first = one(values, rule, pl.String)
    assert one(values, rule, pl.String) == first
    assert all(f is None for f, v in zip(first, values, strict=True) if v is None)  # nulls stay null
    if not (isinstance(rule, dict) and rule.get("kind") in PERMUTATIONS):  # those null what does not fit
        assert [v is None for v in first] == [v is None for v in values]  # and only nulls


@SETTINGS
@given(values=VALUES, kind=st.sampled_from(["pseudonymize", "email", "username", "name"]))
def test_another_key_gives_other_tokens(values: list[str], kind: str) -> None:
    rule = kind if kind == "pseudonymize" else {"action": "fake", "kind": kind}
    ours, theirs = one(values, rule, key=KEY), one(values, rule, key=OTHER_KEY)
    if kind == "name":  # names come from finite pools: most differ, some may clash
        assert sum(a == b for a, b in zip(ours, theirs, strict=True)) <= max(1, len(values) // 3)
    else:
        assert not set(ours) & set(theirs)


@SETTINGS
@given(
    shared=st.lists(RAW, min_size=1, max_size=10, unique=True),
    left=st.lists(RAW, max_size=10),
    right=st.lists(RAW, max_size=10),
    seed=st.randoms(use_true_random=False),
)
def test_a_value_has_the_same_token_in_two_different_frames(
    shared: list[str], left: list[str], right: list[str], seed: Any
) -> None:
    a, b = shared + left, right + shared
    seed.shuffle(a)
    rules = {
        "id": "pseudonymize",
        "mail": {"action": "fake", "kind": "email"},
        "ip": {"action": "fake", "kind": "ip"},
    }
    out_a = transform(pl.DataFrame({column: a for column in rules}), rules)
    out_b = transform(pl.DataFrame({column: b for column in rules}), rules)
    for column in rules:
        token_a = dict(zip(a, out_a[column], strict=True))
        token_b = dict(zip(b, out_b[column], strict=True))
        assert all(token_a[v] == token_b[v] for v in shared)


@SETTINGS
@given(names=st.lists(COLUMN_NAME, min_size=1, max_size=8, unique=True), data=st.data())
def test_dropped_columns_never_appear(names: list[str], data: st.DataObject) -> None:
    dropped = data.draw(st.sets(st.sampled_from(names)))
    unlisted = data.draw(st.sampled_from(["keep", "drop"]))
    frame = pl.DataFrame({n: [f"{n}-{i}" for i in range(3)] for n in names})
    out = transform(frame, {n: "drop" for n in dropped}, unlisted=unlisted)
    expected = [n for n in names if n not in dropped] if unlisted == "keep" else []
    assert out.columns == expected


@SETTINGS
@given(values=st.lists(st.text(min_size=1, max_size=40), min_size=2, max_size=200, unique=True))
@pytest.mark.parametrize("kind", ["email", "username"])
def test_identifier_fakes_are_unique(kind: str, values: list[str]) -> None:
    out = one(values, {"action": "fake", "kind": kind})
    assert len(set(out)) == len(values)


@SETTINGS
@given(
    numbers=st.lists(st.from_regex(r"[0-9]{10}", fullmatch=True), min_size=2, max_size=200, unique=True),
    style=st.sampled_from(["+1 ({}{}{}) {}{}{}-{}{}{}{}", "{}{}{}.{}{}{}.{}{}{}{}", "0{}{}{}{}{}{}{}{}{}{}"]),
)
def test_phone_fakes_are_unique_and_keep_the_format(numbers: list[str], style: str) -> None:
    phones = [style.format(*n) for n in numbers]
    out = one(phones, {"action": "fake", "kind": "phone"})
    faked = [(a, b) for a, b in zip(phones, out, strict=True) if b is not None]
    assert len({b for _, b in faked}) == len(faked)
    assert all(re.sub(r"\d", "#", a) == re.sub(r"\d", "#", b) for a, b in faked)
    assert all(a.startswith("00") for a, b in zip(phones, out, strict=True) if b is None)  # no known code


@SETTINGS
@given(values=st.lists(st.text(max_size=30), min_size=1), first=st.integers(0, 4), last=st.integers(0, 4))
def test_mask_keeps_length_and_hides_the_middle(values: list[str], first: int, last: int) -> None:
    out = one(values, {"action": "mask", "keep_first": first, "keep_last": last})
    for raw, masked in zip(values, out, strict=True):
        assert len(masked) == len(raw)
        if len(raw) > first + last:
            assert masked[:first] == raw[:first] and masked[len(raw) - last :] == raw[len(raw) - last :]
            assert set(masked[first : len(raw) - last]) == {"*"}
        else:
            assert set(masked) <= {"*"}


@SETTINGS
@given(
    values=st.lists(st.one_of(st.none(), st.floats(-1e9, 1e9)), min_size=1, max_size=50),
    step=st.sampled_from([0.5, 1, 7, 1000]),
    top=st.one_of(st.none(), st.just(5000.0)),
)
def test_round_to_floors_to_a_multiple(values: list[float | None], step: float, top: float | None) -> None:
    out = one(values, {"action": "generalize", "round_to": step, "top": top}, pl.Float64)
    for raw, got in zip(values, out, strict=True):
        if raw is None:
            assert got is None
            continue
        expected = math.floor(raw / step) * step
        assert got == pytest.approx(min(expected, top) if top is not None else expected, rel=1e-9, abs=1e-6)


@SETTINGS
@given(
    values=st.lists(st.one_of(st.none(), st.integers(-100, 200)), min_size=1, max_size=50),
    bins=st.lists(st.integers(-50, 150), min_size=1, max_size=5, unique=True).map(sorted),
)
def test_bins_agree_with_bisect(values: list[int | None], bins: list[int]) -> None:
    labels = [f"<{bins[0]}", *(f"[{a}, {b})" for a, b in itertools.pairwise(bins)), f">={bins[-1]}"]
    out = one(values, {"action": "generalize", "bins": bins}, pl.Int64)
    assert out == [None if v is None else labels[bisect.bisect_right(bins, v)] for v in values]


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 20), st.dates(dt.date(1950, 1, 1), dt.date(2050, 1, 1))), max_size=60
    ),
    max_days=st.integers(1, 400),
)
def test_shift_date_same_offset_per_entity(rows: list[tuple[int, dt.date]], max_days: int) -> None:
    frame = pl.DataFrame(rows, schema={"id": pl.Int64, "d": pl.Date}, orient="row")
    out = transform(frame, {"d": {"action": "shift_date", "max_days": max_days, "by": "id"}})
    offsets: dict[int, int] = {}
    for (entity, raw), got in zip(rows, out["d"], strict=True):
        delta = (got - raw).days
        assert -max_days <= delta <= max_days
        assert offsets.setdefault(entity, delta) == delta


def write_protected(folder: Path, values: list[str], compressed: bool) -> tuple[Path, Path]:
    frame = pl.DataFrame({name: values for name in PROTECTED} | {"n": list(range(len(values)))})
    out, log = folder / "out.parquet", folder / "audit.jsonl"
    with nullcontext() if compressed else uncompressed_output():
        privprep.apply(make_policy({**PROTECTED, "n": "keep"}, "fail"), frame, out, key=KEY, audit_log=log)
    return out, log


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=VALUES, compressed=st.booleans())
def test_no_raw_value_of_a_protected_column_anywhere(values: list[str], compressed: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out, log = write_protected(Path(tmp), values, compressed)
        assert "p_drop" not in pl.read_parquet_schema(out)
        assert leaks(values, out, log) == []
        if not compressed:  # the byte search is meaningful: pages are stored as written
            kept = pl.read_parquet(out)["n"].cast(pl.String).to_list()
            assert pl.read_parquet(out).height == len(values) and kept == [str(i) for i in range(len(values))]


def test_the_byte_search_would_find_a_kept_value(tmp_path: Path) -> None:
    """Guard for the test above: with ``keep``, the same search does find the raw values."""
    values = ["QWERTYUIOPASDF01", "ZXCVBNMLKJHG02"]
    frame = pl.DataFrame({"k": values})
    out, log = tmp_path / "o.parquet", tmp_path / "a.jsonl"
    with uncompressed_output():
        privprep.apply(make_policy({"k": "keep"}), frame, out, key=KEY, audit_log=log)
    assert out.read_bytes().count(values[0].encode()) >= 1
    assert leaks(values, out, log) == sorted(values)


@pytest.mark.slow  # many whole runs, 4 s
@SETTINGS
@given(values=VALUES)
def test_an_in_memory_run_equals_the_file_it_would_write(values: list[str]) -> None:
    frame = pl.DataFrame({name: values for name in PROTECTED})
    policy = make_policy(PROTECTED, "fail")
    with tempfile.TemporaryDirectory() as tmp:
        memory = privprep.apply(policy, frame, key=KEY, audit_log=Path(tmp) / "a.jsonl")
        written = privprep.apply(policy, frame, Path(tmp) / "o.parquet", key=KEY, audit_log=memory.audit_log)
        assert pl.read_parquet(written.output_path).equals(memory.frame)
