"""The prep and drift keys are validated at load (path + line, all at once) and against the schema."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import run_cli
from prep_helpers import prep_policy

from privprep import PrivprepError, ReasonCode
from privprep.errors import PolicyError
from privprep.plan import compile_plan
from privprep.policy.load import parse_policy

BAD = """\
version: 1
name: bad
labels:
  churned:
    normalize: [strip, casefold]
    map: {churn: churned, maybe: unsure, CHURNED: active}
    classes: [active, churned]
    unknown: other:lost
dedupe: {on: [a], keep: sometimes, normalize: {b: [strip]}}
split: {by: id, train: 0.8, validation: 0.3, test: 0.1, stratify: nope}
checks:
  drift: {against: previous, psi: -1, schema: ignore, bins: {x: [3, 1]}}
"""


def test_every_problem_is_located_at_once() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(BAD)
    found = {(p.where, p.line) for p in caught.value.problems}
    messages = " | ".join(p.message for p in caught.value.problems)
    assert ("labels.churned", 5) in found  # map target `unsure` and unknown class `lost`
    assert "are not classes" in messages
    assert ("dedupe.keep", 9) in found
    assert ("split", 10) in found and "add up to 1.2" in messages
    assert ("checks.drift.psi", 12) in found and ("checks.drift.schema", 12) in found
    assert ("checks.drift.bins", 12) in found


def test_cross_key_problems_found_by_validate(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: x\nlabels:\n  churned:\n    normalize: [casefold]\n"
        "    map: {CHURNED: active}\n    classes: [active, churned]\n"
        "split: {by: id, stratify: other, column: churned}\n"
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    found = {(p.where, p.line) for p in caught.value.problems}
    assert ("labels.churned.map.CHURNED", 6) in found  # normalizes onto class `churned`, names `active`
    assert ("split.stratify", 8) in found and ("split.column", 8) in found
    path = tmp_path / "p.yaml"
    path.write_text(text)
    done = run_cli("validate", path, cwd=tmp_path)
    assert done.returncode == 2 and "split.stratify (line 8)" in done.stderr
    assert "Traceback" not in done.stderr


def test_schema_problems_at_compile() -> None:
    policy = prep_policy(
        labels={"gone": {"classes": ["a"]}},
        dedupe={"on": ["a", "missing"], "normalize": {"a": ["strip"]}},
        split={"by": "nobody", "column": "a"},
    )
    with pytest.raises(PrivprepError) as caught:
        compile_plan(policy, pl.Schema({"a": pl.Int64}))
    where = {p.where: p.code for p in caught.value.problems}
    assert where["labels.gone"] is ReasonCode.COLUMN_MISSING
    assert where["dedupe.on.1"] is ReasonCode.COLUMN_MISSING
    assert where["dedupe.normalize.a"] is ReasonCode.TYPE_MISMATCH
    assert where["split.by"] is ReasonCode.COLUMN_MISSING
    assert "split.column" in where


def test_a_label_column_counts_as_named_and_split_needs_the_key() -> None:
    policy = prep_policy(
        labels={"y": {"classes": ["a"]}}, split={"by": "id"}, unlisted="fail", columns={"id": "drop"}
    )
    plan = compile_plan(policy, pl.Schema({"id": pl.Int64, "y": pl.Categorical()}))
    assert [(c.name, c.action, c.source) for c in plan.columns] == [
        ("id", "drop", "policy"),
        ("y", "keep", "labels"),
    ]
    assert plan.schema["y"] == pl.String  # what the column rules see after mapping
    assert plan.needs_key


def test_plan_describes_the_prep_steps() -> None:
    policy = prep_policy(
        labels={"y": {"map": {"n": "no"}, "classes": ["yes", "no"], "taxonomy_version": 2}},
        dedupe={"on": ["id", "y"], "normalize": {"y": ["strip"]}},
        split={"by": "id", "stratify": "y"},
    )
    plan = compile_plan(policy, pl.Schema({"id": pl.Int64, "y": pl.String}))
    assert plan.prep is not None
    assert plan.prep.describe() == [
        "dedupe on id, y, keep first, near-duplicates of y",
        "label y: 1 map rule(s) onto 2 classes (taxonomy 2), unknown: fail",
        "split by id (domain split) into column split: train 0.8, validation 0.1, test 0.1, stratified by y",
    ]
