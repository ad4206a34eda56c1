"""``audit verify`` on what the write-ahead order leaves: a run killed after its ``finished`` record
and before its renames is fine (and completed by the next run); an output whose run never finished
is flagged; a run without a master key is unsigned, and verifies only with ``--allow-unsigned``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, records, run_cli
from typer.testing import CliRunner

import privprep
from privprep.audit import AuditLog, verify_log
from privprep.cli import app
from privprep.engine import UNSIGNED

POLICY = "version: 1\nname: wa\ncolumns:\n  id: pseudonymize\n  n: keep\nunlisted: fail\n"
NO_KEY = "version: 1\nname: nokey\ncolumns:\n  id: drop\n  n: keep\nunlisted: fail\n"


def killed_at(tmp_path: Path, point: str) -> tuple[Path, Path, Path]:
    """``privprep apply`` killed (``os._exit``) at ``point``: returns (policy, target, log)."""
    policy, data = tmp_path / "p.yaml", tmp_path / "in.parquet"
    policy.write_text(POLICY)
    pl.DataFrame({"id": ["a", "b", "c"], "n": [1, 2, 3]}).write_parquet(data)
    target, log = tmp_path / "out.parquet", tmp_path / "audit.jsonl"
    args = ("apply", policy, data, "-o", target, "--audit-log", log)
    proc = run_cli(*args, cwd=tmp_path, PRIVPREP_FAULT=point)
    assert proc.returncode == 137, proc.stderr
    return policy, target, log


def test_a_run_killed_before_its_renames_verifies_and_the_next_run_completes_it(tmp_path: Path) -> None:
    policy, target, log = killed_at(tmp_path, "finished:after")
    [tmp] = tmp_path.glob(".out.parquet.*.tmp")
    assert not target.exists() and [r["kind"] for r in records(log)] == ["started", "finished"]
    result = verify_log(AuditLog(log))
    assert result.ok, result.problems
    assert result.notes == [
        f"record 2: output {target} is still in {tmp}: its run finished, then died before renaming it"
        " (the next run against this log renames it)"
    ]
    again = privprep.apply(policy, tmp_path / "in.parquet", tmp_path / "b.parquet", key=KEY, audit_log=log)
    assert target.exists() and not tmp.exists()
    assert any(w.startswith(f"recovery: renamed {tmp}") for w in again.warnings), again.warnings
    result = verify_log(AuditLog(log))
    assert result.ok and result.notes == [] and result.outputs_checked == 2, result.problems


def test_an_output_whose_run_never_finished_is_flagged(tmp_path: Path) -> None:
    _, target, log = killed_at(tmp_path, "write:after")
    [tmp] = tmp_path.glob(".out.parquet.*.tmp")
    [started] = records(log)
    assert verify_log(AuditLog(log)).ok  # a temp file is not an output
    tmp.rename(target)  # what a rename before the finished record (or by hand) would publish
    result = CliRunner().invoke(app, ["audit", "verify", "--log", str(log)], env={"COLUMNS": "250"})
    assert result.exit_code == 7
    assert f"output {target} is not audited: its run {started['run_id']} never completed" in result.output


def test_a_run_without_a_master_key_is_unsigned_and_says_so(tmp_path: Path, no_key: None) -> None:
    frame = pl.DataFrame({"id": ["a"], "n": [1]})
    log = tmp_path / "audit.jsonl"
    result = privprep.apply(privprep.parse_policy(NO_KEY), frame, tmp_path / "o.parquet", audit_log=log)
    assert result.warnings == [UNSIGNED]
    assert all("sig" not in r for r in records(log))
    strict = CliRunner().invoke(app, ["audit", "verify", "--log", str(log)], env={"COLUMNS": "250"})
    assert strict.exit_code == 7 and "--allow-unsigned accepts it" in strict.output
    loose = CliRunner().invoke(
        app, ["audit", "verify", "--log", str(log), "--allow-unsigned"], env={"COLUMNS": "250"}
    )
    assert loose.exit_code == 0, loose.output
    assert "not signed (accepted: --allow-unsigned)" in loose.output


def test_a_policy_without_keyed_actions_is_signed_when_a_key_is_set(tmp_path: Path, key: str) -> None:
    frame = pl.DataFrame({"id": ["a"], "n": [1]})
    log = tmp_path / "audit.jsonl"
    result = privprep.apply(privprep.parse_policy(NO_KEY), frame, tmp_path / "o.parquet", audit_log=log)
    assert result.warnings == [] and all("sig" in r for r in records(log))
    assert verify_log(AuditLog(log)).ok


@pytest.mark.parametrize("allow", [False, True])
def test_stripped_signatures_fail_and_allowing_unsigned_runs_leaves_the_chain(
    tmp_path: Path, allow: bool
) -> None:
    """``--allow-unsigned`` is an explicit opt-out: by default an unsigned success is a problem; with
    it, a re-chained log is still caught by the head its output anchors."""
    log, frame = tmp_path / "audit.jsonl", pl.DataFrame({"id": ["a"], "n": [1]})
    privprep.apply(privprep.parse_policy(POLICY), frame, tmp_path / "o.parquet", key=KEY, audit_log=log)
    rows = records(log)
    log.unlink()
    for row in rows:
        AuditLog(log).append(row)  # re-sealed without a signer: a valid chain
    found = verify_log(AuditLog(log), allow_unsigned=allow).problems
    assert any("not signed" in p for p in found) is not allow
    assert any("was written when the log's head was" in p for p in found)
