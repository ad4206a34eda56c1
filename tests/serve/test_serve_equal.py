"""privprep.compile(...).transform equals what apply writes, row by row, for every row-local operator."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, make_policy
from hypothesis import HealthCheck, given, settings
from serve_cases import COLUMNS, SCHEMA, differences, rows

import privprep


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[privprep.Policy, privprep.serve.Transformer, Path]:
    folder = tmp_path_factory.mktemp("serve")
    policy = make_policy(COLUMNS, unlisted="fail")
    transformer = privprep.compile(policy, key=KEY, schema=SCHEMA, audit_log=folder / "serve.jsonl")
    yield policy, transformer, folder
    transformer.close()


def test_every_twin_survives_the_probe(served) -> None:  # type: ignore[no-untyped-def]
    _, transformer, _ = served
    assert transformer.warnings == []
    slow = {"p_f32"}  # Float32's text form: only Polars writes it exactly
    assert set(transformer._slow) == slow


def check_equal(served, batch) -> None:  # type: ignore[no-untyped-def]
    policy, transformer, folder = served
    frame = pl.DataFrame({n: [r[n] for r in batch] for n in SCHEMA}, schema=SCHEMA)
    want = privprep.apply(policy, frame, key=KEY, audit_log=folder / "apply.jsonl").frame.to_dicts()
    assert differences(transformer.transform_batch(batch), want) == []
    assert differences([transformer.transform(r) for r in batch], want) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=rows())
def test_transform_equals_apply(served, batch) -> None:  # type: ignore[no-untyped-def]
    check_equal(served, batch)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=rows(12))
def test_transform_equals_apply_thoroughly(served, batch) -> None:  # type: ignore[no-untyped-def]
    check_equal(served, batch)
