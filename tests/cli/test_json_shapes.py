"""Every ``--json`` document validates against its versioned model (privprep/cli/shapes.py), and
docs/cli.md documents every field of every model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TypeVar

import polars as pl
import pytest
from core_helpers import KEY, ROOT
from typer.testing import CliRunner

try:
    import jsonschema
except ImportError:  # optional: the pydantic models are the reference
    jsonschema = None

import privprep
from privprep.cli import app
from privprep.cli.shapes import (
    SHAPES,
    AuditListJson,
    AuditShowJson,
    AuditVerifyJson,
    BudgetJson,
    PlanJson,
    ScanJson,
    Shape,
    ValidateJson,
)

POLICY = "version: 1\nname: small\ncolumns:\n  id: pseudonymize\n  city: keep\nunlisted: fail\n"
DP_POLICY = """version: 1
name: crm
unlisted: drop
columns:
  region: keep
aggregates:
  privacy_unit: {column: id, max_rows: 1}
  budget: {epsilon: 1.0}
  releases:
    - {name: by_region, epsilon: 0.5, group_by: [region], keys: [north, south], metrics: [count]}
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a policy, an input and an audit log of two runs."""
    folder = tmp_path_factory.mktemp("json")
    (folder / "policy.yaml").write_text(POLICY)
    pl.DataFrame({"id": ["a", "b", "c"], "city": ["x", "y", "z"]}).write_parquet(folder / "in.parquet")
    for name in ("o1", "o2"):
        privprep.apply(folder / "policy.yaml", folder / "in.parquet", folder / f"{name}.parquet", key=KEY)
    return folder


S = TypeVar("S", bound=Shape)


def emitted(shape: type[S], *args: str | Path, code: int = 0) -> S:
    """Run a command in-process; its stdout is one line that validates against ``shape``."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"PRIVPREP_KEY": KEY})
    assert result.exit_code == code, result.output
    [line] = result.stdout.splitlines()
    document = shape.model_validate_json(line)
    if jsonschema is not None:  # the published JSON Schema accepts it too
        jsonschema.validate(json.loads(line), shape.model_json_schema(by_alias=True, mode="serialization"))
    assert json.loads(line)["schema"] == shape.model_fields["schema_"].default
    assert document.privprep_version == privprep.__version__
    return document


def test_audit_list_show_and_verify(runs: Path) -> None:
    log = runs / "privprep-audit.jsonl"
    listed = emitted(AuditListJson, "audit", "list", "--log", log, "--json")
    assert [r.status for r in listed.runs] == ["success", "success"]
    assert listed.runs[0].rows_in == 3 and listed.runs[0].policy == "small"
    shown = emitted(AuditShowJson, "audit", "show", listed.runs[1].run_id[:22], "--log", log, "--json")
    assert shown.record["run_id"] == listed.runs[1].run_id
    verified = emitted(AuditVerifyJson, "audit", "verify", "--log", log, "--json")
    assert verified.ok and verified.records == 4


def test_a_failed_verification_is_still_a_document(runs: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    lines = (runs / "privprep-audit.jsonl").read_text().splitlines()
    log.write_text("\n".join([lines[0].replace('"small"', '"SMALL"'), *lines[1:]]) + "\n")
    verified = emitted(AuditVerifyJson, "audit", "verify", "--log", log, "--json", code=7)
    assert not verified.ok and verified.problems


def test_validate_and_plan(runs: Path, tmp_path: Path) -> None:
    valid = emitted(ValidateJson, "validate", runs / "policy.yaml", "--json")
    assert (valid.ok, valid.name, valid.column_rules) == (True, "small", 2)
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: b\ncolumns:\n  a: {action: fake, kind: emial}\nunlisted: maybe\n")
    invalid = emitted(ValidateJson, "validate", bad, "--json", code=2)
    assert not invalid.ok
    assert [(p.where, p.line) for p in invalid.problems] == [("columns.a.kind", 4), ("unlisted", 5)]
    planned = emitted(PlanJson, "plan", runs / "policy.yaml", runs / "in.parquet", "--json")
    assert [(c.name, c.action) for c in planned.columns] == [
        ("id", "pseudonymize"), ("city", "keep"),
    ]  # fmt: skip


def test_budget_show(tmp_path: Path) -> None:
    (tmp_path / "dp.yaml").write_text(DP_POLICY)
    frame = pl.DataFrame({"id": [str(i) for i in range(40)], "region": ["north", "south"] * 20})
    frame.write_parquet(tmp_path / "in.parquet")
    privprep.apply(tmp_path / "dp.yaml", tmp_path / "in.parquet", tmp_path / "out.parquet", key=KEY)
    ledger = tmp_path / "privprep-budget.sqlite"  # beside the input
    shown = emitted(BudgetJson, "budget", "show", "--ledger", ledger, "--json")
    assert shown.verified and shown.seal
    [crm] = shown.datasets
    assert crm.dataset == "crm" and crm.epsilon_remaining == pytest.approx(0.5)


@pytest.mark.slow  # loads Presidio and spaCy
def test_scan(runs: Path) -> None:
    scanned = emitted(ScanJson, "scan", runs / "in.parquet", "--json", "--sample", "10")
    assert [c.name for c in scanned.columns] == ["id", "city"]


def test_docs_list_every_field_of_every_shape() -> None:
    docs = (ROOT / "docs" / "cli.md").read_text()
    for shape in SHAPES:
        name = shape.model_fields["schema_"].default
        section = re.search(rf"### `{re.escape(name)}`\n(.*?)(?=\n#|\Z)", docs, re.S)
        assert section, f"docs/cli.md has no section for {name}"
        fields = {f.alias or n for n, f in shape.model_fields.items()} - {"schema", "privprep_version"}
        missing = [f for f in fields if f"`{f}`" not in section.group(1)]
        assert not missing, (name, missing)
