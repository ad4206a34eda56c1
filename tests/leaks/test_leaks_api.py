"""Leak suite, in process: every dtype, several policies, deliberate type errors; no marker in any artefact.

Artefacts: error messages and details, the audit log, the HTML report, ``scan`` JSON, the plan
and the transformed columns of the output file. Kept columns are in the output by design.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, make_policy, records
from hypothesis import given, settings
from hypothesis import strategies as st
from leak_data import CATEGORIES, NESTED, every_dtype, found, found_in_files, with_nested_emails

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit import AuditLog
from privprep.dtypes import render_dtype
from privprep.plan import compile_plan
from privprep.report import write_report

SCALARS = [c for c in every_dtype().columns if c not in {"id", *NESTED}]
PSEUDONYMIZABLE = [c for c in SCALARS if c not in {"du", "nu"}]


@pytest.mark.parametrize(
    ("dtype", "shown"),
    [
        (pl.Enum(CATEGORIES), "Enum(1000 categories)"),
        (pl.Categorical, "Categorical"),
        (pl.List(pl.Enum(CATEGORIES)), "List(Enum(1000 categories))"),
        (pl.Array(pl.Enum(["enumsecretx"]), 3), "Array(Enum(1 categories), 3)"),
        (pl.Struct({"structsecret": pl.Enum(["enumsecrety"])}), "Struct(1 fields)"),
        (pl.List(pl.Struct({"a": pl.String, "b": pl.Int8})), "List(Struct(2 fields))"),
        (pl.Datetime("us", "Europe/Paris"), "Datetime(us, Europe/Paris)"),
        (pl.Datetime("ns"), "Datetime(ns)"),
        (pl.Decimal(10, 4), "Decimal(precision=10, scale=4)"),
        (pl.Duration("ms"), "Duration(time_unit='ms')"),
        (pl.Time, "Time"),
        (pl.Binary, "Binary"),
        (pl.Null, "Null"),
        (pl.String, "String"),
    ],
)
def test_render_dtype_never_shows_data(dtype: pl.DataType, shown: str) -> None:
    assert render_dtype(dtype) == shown
    assert not found(shown)


SECRETS = st.lists(st.text("abcdefghij", min_size=6, max_size=12).map("zq{}zq".format), min_size=1,
                   max_size=20, unique=True)  # fmt: skip
FIELD_NAMES = st.text("xyz", min_size=1, max_size=3).map("zq{}zq".format)
LEAVES = st.one_of(
    SECRETS.map(pl.Enum),
    st.sampled_from([pl.String, pl.Categorical(), pl.Int8, pl.Binary, pl.Date, pl.Datetime("ms", "UTC")]),
)
DTYPES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        inner.map(pl.List),
        st.tuples(inner, st.integers(1, 4)).map(lambda a: pl.Array(a[0], a[1])),
        st.dictionaries(FIELD_NAMES, inner, min_size=1, max_size=3).map(pl.Struct),
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(dtype=DTYPES)
def test_no_category_or_field_name_reaches_the_rendering(dtype: pl.DataType) -> None:
    """Categories and field names all carry ``zq``: whatever the nesting, none is printed."""
    assert "zq" not in render_dtype(dtype)


def audited_run(tmp_path: Path, policy: Any, frame: pl.DataFrame) -> tuple[str, Path, Path]:
    """Run ``policy``; returns the error text ('' on success), the audit log and the output path."""
    log, out = tmp_path / "audit.jsonl", tmp_path / "out.parquet"
    try:
        privprep.apply(policy, frame, out, key=KEY, audit_log=log)
        error = ""
    except PrivprepError as exc:
        error = f"{exc}\n{exc.details}\n{exc.problems}"
    report = tmp_path / "report.html"
    write_report(records(log)[-1], report, log=AuditLog(log))
    return error, log, out


POLICIES = {
    "keep": (make_policy({"id": "keep"}, "keep", detect={"on_undeclared_pii": "warn"}), None),
    "drop": (make_policy({"id": "keep"}, "drop"), None),
    "redact": (make_policy(dict.fromkeys(SCALARS, "redact"), "drop"), SCALARS),
    "pseudonymize": (make_policy(dict.fromkeys(PSEUDONYMIZABLE, "pseudonymize"), "drop"), PSEUDONYMIZABLE),
    "shift": (make_policy({"dtz": {"action": "shift_date", "max_days": 9}}, "drop"), None),
}


@pytest.mark.parametrize("name", list(POLICIES))
def test_runs_leak_no_marker(tmp_path: Path, name: str) -> None:
    policy, transformed = POLICIES[name]
    error, log, out = audited_run(tmp_path, policy, every_dtype())
    assert error == ""
    assert not found(error) and not found_in_files(log, tmp_path / "report.html")
    header = records(log)[-1]["header"]
    assert header["input"]["schema"]["e"] == "Enum(1000 categories)"
    assert {c["name"]: c["dtype"] for c in header["columns"]}.get("e", "Enum(1000 categories)") == (
        "Enum(1000 categories)"
    )
    profile = records(log)[-1]["result"]["profile"]["input"]["columns"]
    assert profile["e"]["dtype"] == "Enum(1000 categories)" and profile["st"]["dtype"] == "Struct(2 fields)"
    if transformed is not None:
        output = pl.read_parquet(out)
        assert not found(*(str(v) for c in transformed for v in output[c].to_list()))
        assert set(output.columns) == set(transformed) | ({"id"} if "id" in output.columns else set())
    if name == "shift":  # a shifted timestamp may keep its day; it never equals an input timestamp
        assert set(pl.read_parquet(out)["dtz"]).isdisjoint(every_dtype()["dtz"])


TYPE_ERRORS = [
    ("e", {"action": "generalize", "bins": [1, 2]}),
    ("c", {"action": "generalize", "bins": [1, 2]}),
    ("st", {"action": "mask"}),
    ("l", {"action": "pseudonymize"}),
    ("a", {"action": "fake", "kind": "email"}),
    ("b", {"action": "shift_date", "max_days": 3}),
    ("dec", {"action": "shift_date", "max_days": 3}),
    ("d", {"action": "shift_date", "max_days": 3, "granularity": "second"}),
    ("dtz", {"action": "generalize", "round_to": 10}),
]


@pytest.mark.parametrize(("column", "rule"), TYPE_ERRORS, ids=[f"{c}-{r['action']}" for c, r in TYPE_ERRORS])
def test_type_errors_name_the_dtype_not_its_data(tmp_path: Path, column: str, rule: dict[str, Any]) -> None:
    policy = make_policy({"id": "keep", column: rule}, "drop")
    error, log, out = audited_run(tmp_path, policy, every_dtype())
    assert "has dtype" in error and not out.exists()
    assert records(log)[-1]["result"]["reason_code"] == ReasonCode.TYPE_MISMATCH.value
    assert not found(error) and not found_in_files(log, tmp_path / "report.html")


def test_a_dp_release_over_an_enum_group_and_a_list_metric_names_only_dtypes(tmp_path: Path) -> None:
    release = {"name": "r", "epsilon": 0.5, "group_by": ["e"], "keys": ["x"], "metrics": ["count"]}
    aggregates = {"privacy_unit": {"column": "id", "max_rows": 1}, "budget": {"epsilon": 1.0},
                  "ledger": str(tmp_path / "ledger.sqlite"), "releases": [release]}  # fmt: skip
    bad = [
        {**release, "keys": [7]},  # keys that do not fit an Enum: the message lists the group dtypes
        {**release, "group_by": ["l"], "keys": None},  # a List column cannot be grouped
    ]
    for rel in bad:
        policy = make_policy({"id": "keep"}, "drop", aggregates={**aggregates, "releases": [rel]})
        error, log, _ = audited_run(tmp_path, policy, every_dtype())
        assert error and not found(error) and not found_in_files(log, tmp_path / "report.html")


def test_scan_json_and_plan_leak_no_marker() -> None:
    frame = every_dtype()
    report = privprep.scan(frame, sample=50)
    assert not found(str(report.to_json_dict()), str(report.model_dump()))
    plan = compile_plan(make_policy({"id": "keep"}, "keep"), frame.schema)
    assert not found(str([(c.name, render_dtype(c.dtype), c.action, c.params) for c in plan.columns]))


def test_pii_in_nested_leaves_fails_without_quoting_it(tmp_path: Path) -> None:
    policy = make_policy({"id": "keep"}, "keep", detect={"on_undeclared_pii": "fail"})
    error, log, out = audited_run(tmp_path, policy, with_nested_emails())
    assert "column mail_list" in error and "leaf: mail_list[]" in error
    assert "column mail_struct" in error and "leaf: mail_struct.who.email" in error
    assert records(log)[-1]["result"]["reason_code"] == ReasonCode.UNDECLARED_PII.value
    assert not out.exists() and not found(error) and not found_in_files(log, tmp_path / "report.html")
