"""One rule for where the audit log and the ledger live, used by apply and every reading command."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY
from typer.testing import CliRunner

import privprep
from privprep.cli import app
from privprep.locations import HOME_ENV, audit_log_location, ledger_location

POLICY = "version: 1\nname: small\ncolumns:\n  id: pseudonymize\nunlisted: fail\n"
DP = """version: 1
name: crm
unlisted: drop
columns: {region: keep}
aggregates:
  privacy_unit: {column: id, max_rows: 1}
  budget: {epsilon: 1.0}
  releases: [{name: by_region, epsilon: 0.5, group_by: [region], keys: [north, south], metrics: [count]}]
"""
FRAME = pl.DataFrame({"id": ["a", "b"]})


@pytest.mark.parametrize(
    ("explicit", "setting", "home", "beside", "expected"),
    [
        ("given.jsonl", "policy.jsonl", "home", Path("out"), "given.jsonl"),
        (None, "policy.jsonl", "home", Path("out"), "policy.jsonl"),
        (None, None, "home", Path("out"), "home/privprep-audit.jsonl"),
        (None, None, None, Path("out"), "out/privprep-audit.jsonl"),
        (None, None, None, None, "{cwd}/privprep-audit.jsonl"),
    ],
)
def test_the_first_step_that_applies_wins(
    monkeypatch: pytest.MonkeyPatch, explicit: str | None, setting: str | None, home: str | None,
    beside: Path | None, expected: str,
) -> None:  # fmt: skip
    monkeypatch.delenv(HOME_ENV, raising=False)
    if home:
        monkeypatch.setenv(HOME_ENV, home)
    expected = expected.format(cwd=Path.cwd())
    assert audit_log_location(explicit, policy_setting=setting, beside=beside).path == Path(expected)
    ledger = ledger_location(explicit, policy_setting=setting, beside=beside).path
    assert ledger == Path(expected.replace("privprep-audit.jsonl", "privprep-budget.sqlite"))


def test_apply_and_the_readers_agree_under_privprep_home(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = workdir / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    result = privprep.apply(privprep.parse_policy(POLICY), FRAME, workdir / "out" / "o.parquet", key=KEY)
    assert result.audit_log == home / "privprep-audit.jsonl"
    listed = CliRunner().invoke(app, ["audit", "list", "--json"])
    assert listed.exit_code == 0 and result.run_id in listed.stdout


def test_readers_find_the_log_of_a_policys_runs(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    FRAME.write_parquet(workdir / "in.parquet")
    policy = workdir / "p.yaml"
    policy.write_text(POLICY + "output: {path: out/o.parquet}\n")
    result = privprep.apply(policy, workdir / "in.parquet", key=KEY)
    assert result.audit_log == Path("out/privprep-audit.jsonl")  # beside the policy's output
    runner = CliRunner()
    assert result.run_id in runner.invoke(app, ["audit", "list", "--policy", str(policy), "--json"]).stdout
    shown = runner.invoke(app, ["audit", "show", result.run_id, "--policy", str(policy), "--json"])
    assert shown.exit_code == 0, shown.output
    missing = runner.invoke(app, ["audit", "list"])
    assert missing.exit_code == 7
    assert missing.stderr.strip() == (
        f"error (audit_invalid): no audit log at {workdir}/privprep-audit.jsonl; looked there because "
        "none of --log, --policy or PRIVPREP_HOME was given; point elsewhere with --log PATH, "
        "--policy POLICY or PRIVPREP_HOME=FOLDER"
    )
    unknown = runner.invoke(app, ["report", "1999", "--policy", str(policy)])
    assert unknown.exit_code == 7
    why = "looked there because it is the default place, beside the output"
    assert f"no run in out/privprep-audit.jsonl match run id '1999'; {why}" in unknown.stderr
    assert "point elsewhere with --log PATH" in unknown.stderr


def test_the_ledger_follows_the_rule_too(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(workdir / "home"))
    pl.DataFrame({"id": ["1", "2", "3"], "region": ["north", "south", "north"]}).write_parquet("in.parquet")
    (workdir / "dp.yaml").write_text(DP)
    privprep.apply(workdir / "dp.yaml", workdir / "in.parquet", workdir / "out.parquet", key=KEY)
    assert (workdir / "home" / "privprep-budget.sqlite").is_file()
    assert not (workdir / "privprep-budget.sqlite").exists()
    shown = CliRunner().invoke(app, ["budget", "show", "--json"])
    assert shown.exit_code == 0 and '"dataset":"crm"' in shown.stdout
    monkeypatch.delenv(HOME_ENV)
    missing = CliRunner().invoke(app, ["budget", "show", "--policy", str(workdir / "dp.yaml")])
    assert missing.exit_code == 3
    why = "looked there because none of --ledger"
    assert f"no budget ledger at {workdir}/privprep-budget.sqlite; {why}" in missing.stderr
    assert "beside its input file unless the policy's aggregates.ledger names one" in missing.stderr
