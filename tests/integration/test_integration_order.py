"""Resolve before reserve, write-ahead audit records, typed steps, and outputs that may not collide."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, finished, records, run_cli, stray_files

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.audit.record import AuditRecord

FRAME = pl.DataFrame({"id": [f"p{i}" for i in range(60)], "region": ["north", "south"] * 30})
PLAIN = "version: 1\nname: order\ncolumns:\n  id: pseudonymize\n  region: keep\nunlisted: fail\n"
DP = PLAIN + (
    "aggregates:\n  dataset: order\n  privacy_unit: {column: id, max_rows: 1}\n  budget: {epsilon: 1.0}\n"
    "  releases:\n    - name: by_region\n      epsilon: 0.5\n      group_by: [region]\n"
    "      keys: [north, south]\n      metrics: [count]\n%s"
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "in.parquet"
    FRAME.write_parquet(path)
    return path


def test_a_run_writes_started_then_finished_and_both_parse(tmp_path: Path, data: Path) -> None:
    result = privprep.apply(privprep.parse_policy(PLAIN), data, tmp_path / "o.parquet", key=KEY)
    started, done = (AuditRecord.model_validate(r) for r in records(result.audit_log))
    assert (started.kind, done.kind) == ("started", "finished") and started.run_id == done.run_id
    assert started.header_sha256 == done.header_sha256 and started.intent is not None
    [planned] = started.intent.outputs
    assert planned.path == str((tmp_path / "o.parquet").absolute()) and result.run_id in planned.tmp
    assert done.result is not None and [s.step for s in done.result.steps][:3] == ["open", "compile", "audit"]
    assert done.result.steps[2].info.started_hash == started.hash  # type: ignore[union-attr]


def test_a_missing_key_spends_no_budget(tmp_path: Path, data: Path, no_key: None) -> None:
    policy = privprep.parse_policy(DP % "")
    with pytest.raises(PrivprepError) as err:
        privprep.apply(policy, data, tmp_path / "o.parquet", audit_log=tmp_path / "a.jsonl")
    assert err.value.code is ReasonCode.KEY_MISSING
    [record] = records(tmp_path / "a.jsonl")  # failed before its intent: no started record
    assert record["kind"] == "finished" and record["result"]["failed_step"] == "compile"
    assert not (tmp_path / "privprep-budget.sqlite").exists()  # nothing reserved, nothing pinned
    result = privprep.apply(policy, data, tmp_path / "o.parquet", key=KEY, audit_log=tmp_path / "a.jsonl")
    assert result.record["result"]["releases"][0]["epsilon_remaining"] == pytest.approx(0.5)


def test_a_default_release_path_names_the_run(tmp_path: Path, data: Path) -> None:
    result = privprep.apply(privprep.parse_policy(DP % ""), data, tmp_path / "o.parquet", key=KEY)
    path = Path(result.record["result"]["releases"][0]["path"])
    assert path == (tmp_path / f"by_region.{result.run_id}.parquet").absolute() and path.is_file()


def collide(tmp_path: Path, data: Path, role: str) -> tuple[str, Path, dict[str, Path]]:
    """A policy, output and files where ``role``'s path is another file of the run."""
    log, ledger, policy_file = tmp_path / "a.jsonl", tmp_path / "privprep-budget.sqlite", tmp_path / "p.yaml"
    output = tmp_path / "o.parquet"
    cases = {
        "release-is-input": (DP % f"      path: {data}\n", output, "DP release 'by_region'"),
        "output-is-log": (PLAIN, log, "the audit log"),
        "output-is-ledger": (DP % "", ledger, "the budget ledger"),
        "output-is-policy": (PLAIN, policy_file, "the policy file"),
        "release-is-output": (DP % f"      path: {output}\n", output, "also the output"),
    }
    text, output, needle = cases[role]
    policy_file.write_text(text)
    return needle, output, {"log": log, "policy": policy_file}


@pytest.mark.parametrize(
    "role", ["release-is-input", "output-is-log", "output-is-ledger", "output-is-policy", "release-is-output"]
)
def test_an_output_that_is_a_file_of_the_run_is_refused(tmp_path: Path, data: Path, role: str) -> None:
    needle, output, files = collide(tmp_path, data, role)
    before = {p: p.read_bytes() for p in (data, files["policy"]) if p.exists()}
    with pytest.raises(PrivprepError) as err:
        privprep.apply(files["policy"], data, output, key=KEY, audit_log=files["log"])
    assert err.value.code is ReasonCode.OUTPUT_FAILED and err.value.exit_code == 8
    assert needle in str(err.value) and "choose another path" in str(err.value)
    assert {p: p.read_bytes() for p in before} == before and stray_files(tmp_path) == []
    assert finished(files["log"])[-1]["result"]["failed_step"] == "compile"
    assert not (tmp_path / "privprep-budget.sqlite").exists()  # refused before anything was reserved


def test_a_report_over_the_input_is_refused_by_the_cli(tmp_path: Path, data: Path) -> None:
    (tmp_path / "p.yaml").write_text(PLAIN)
    proc = run_cli("apply", "p.yaml", data, "-o", "o.parquet", "--report", data, cwd=tmp_path)
    assert proc.returncode == 8 and "report" in proc.stderr and "is the input file" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "o.parquet").exists()
    assert data.read_bytes()[:4] == b"PAR1"


def test_the_report_reads_finished_records_only_and_echoes_no_bad_value(tmp_path: Path, data: Path) -> None:
    from privprep.report.view import build_view

    result = privprep.apply(privprep.parse_policy(PLAIN), data, tmp_path / "o.parquet", key=KEY)
    started, done = records(result.audit_log)
    assert build_view(done).status == "success"
    with pytest.raises(PrivprepError, match="has no finished record") as err:
        build_view(started)
    assert err.value.code is ReasonCode.AUDIT_INVALID
    done["result"]["output"]["rows"] = "SECRET-VALUE-123"
    with pytest.raises(PrivprepError, match=r"result\.output\.rows") as err:
        build_view(done)
    assert "SECRET-VALUE-123" not in str(err.value)


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_an_output_linked_to_the_input_is_refused(tmp_path: Path, data: Path, link: str) -> None:
    alias = tmp_path / "alias.parquet"
    (alias.hardlink_to if link == "hard" else alias.symlink_to)(data)
    before = data.read_bytes()
    with pytest.raises(PrivprepError, match="is the input file") as err:
        privprep.apply(privprep.parse_policy(PLAIN), data, alias, key=KEY, audit_log=tmp_path / "a.jsonl")
    assert err.value.exit_code == 8 and data.read_bytes() == before
