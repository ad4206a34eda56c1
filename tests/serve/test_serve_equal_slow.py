"""Every fake kind (Faker pools) and table-aware scrubbing, served vs applied (slow: pools, Presidio)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, make_policy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve_cases import TEXT, differences

import privprep
from privprep.transforms.fake import FAKE_KINDS

pytestmark = pytest.mark.slow
FAKES = {f"fake_{kind}": {"action": "fake", "kind": kind} for kind in FAKE_KINDS}
FAKE_SCHEMA = pl.Schema(dict.fromkeys(FAKES, pl.String))
NAMES = st.sampled_from(["Maria Lopez", "John Carter", "Ana", "Lee Wong", "María López", "Zoë Ødegaard"])
EMAILS = st.sampled_from(["maria@example.com", "jc@example.org"])
PHONES = st.sampled_from(["+1 555 010 0142", "(555) 010-0199", "12"])
CITIES = st.sampled_from(["Lyon", "Saint-Étienne", "12 Rue de la Paix, Paris"])
NOTES = st.builds(
    lambda n, e, p, c, tail: f"Call {n} at {p} or write to {e}, in {c}. {tail}",
    NAMES,
    EMAILS,
    PHONES,
    CITIES,
    st.text(max_size=30),
)
SCRUB_SCHEMA = pl.Schema({"name": pl.String, "email": pl.String, "phone": pl.String, "city": pl.String,
                          "note": pl.String, "tagged": pl.String})  # fmt: skip
SCRUB = {
    "name": {"action": "fake", "kind": "name"},
    "email": "pseudonymize",
    "phone": {"action": "mask", "keep_last": 2},
    "city": {"action": "fake", "kind": "city"},  # an address kind: the vectorized forms
    "note": {"action": "scrub", "with": "fake"},
    "tagged": {"action": "scrub", "with": "tag", "from_columns": "none"},
}
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def fakes(folder: Path):  # type: ignore[no-untyped-def]
    policy = make_policy(FAKES, unlisted="fail")
    with privprep.compile(policy, key=KEY, schema=FAKE_SCHEMA, audit_log=folder / "s.jsonl") as t:
        yield policy, t


@pytest.fixture(scope="module")
def scrubs(folder: Path):  # type: ignore[no-untyped-def]
    policy = make_policy(SCRUB, unlisted="fail")
    with privprep.compile(policy, key=KEY, schema=SCRUB_SCHEMA, audit_log=folder / "s.jsonl") as t:
        yield policy, t


def applied(policy: privprep.Policy, rows: list[dict], schema: pl.Schema, log: Path) -> list[dict]:
    frame = pl.DataFrame({n: [r[n] for r in rows] for n in schema}, schema=schema)
    return privprep.apply(policy, frame, key=KEY, audit_log=log).frame.to_dicts()


@settings(SETTINGS, max_examples=40)
@given(
    batch=st.lists(
        st.fixed_dictionaries({n: st.none() | TEXT | PHONES for n in FAKES}), min_size=1, max_size=8
    )
)
def test_every_fake_kind(fakes: tuple, folder: Path, batch: list[dict]) -> None:
    """One transformer for every example (compiling one, twin checks included, takes about 1 s)."""
    policy, t = fakes
    assert t.warnings == [] and t._slow == []  # every kind runs the operator's own function
    expected = applied(policy, batch, FAKE_SCHEMA, folder / "a.jsonl")
    assert differences(t.transform_batch(batch), expected) == []


@settings(SETTINGS, max_examples=15)
@given(
    record=st.fixed_dictionaries(
        {
            "name": NAMES,
            "email": EMAILS,
            "phone": PHONES,
            "city": CITIES,
            "note": st.none() | NOTES,
            "tagged": st.none() | NOTES,
        }
    )
)
def test_scrub_looks_for_the_records_own_values(scrubs: tuple, folder: Path, record: dict) -> None:
    policy, t = scrubs
    got = t.transform(record)
    assert differences([got], applied(policy, [record], SCRUB_SCHEMA, folder / "a.jsonl")) == []
    if record["note"] is not None:
        assert record["name"] not in got["note"] and record["email"] not in got["note"]
